"""Words and catalogues for the demo ledger: inspection rounds, problem templates, progress phrases.

Everything here is generic ("某化工园区…"): no real company, person or telephone number. The
inspection rounds follow the public shape of Chongqing's inspections (rounds, years, kinds); their
exact dates are approximate, which is good enough for demo data.
"""

from __future__ import annotations

from datetime import date

import numpy as np

from core.domain import Category as C
from core.domain import InspectionKind as K
from core.domain import ItemType as T
from core.domain import ReferralKind as R
from core.domain import SourceLevel as L

# name, kind, level, round, batch, 回头看?, started, ended, scope, prefix, weight, favoured category
_Row = tuple[str, K, L, int | None, str | None, bool, date, date, str, str, float, C | None]

_FIXED: tuple[_Row, ...] = (
    ("中央第一轮环境保护督察", K.ROUTINE, L.CENTRAL, 1, None, False, date(2017, 4, 12),
     date(2017, 5, 12), "市委市政府及有关部门、各区县", "ZY1", 9.0, None),
    ("中央环境保护督察“回头看”", K.ROUTINE, L.CENTRAL, 1, None, True, date(2018, 10, 30),
     date(2018, 11, 30), "第一轮督察整改落实情况", "ZYH", 6.0, None),
    ("第二轮中央生态环境保护督察", K.ROUTINE, L.CENTRAL, 2, None, False, date(2021, 8, 25),
     date(2021, 9, 25), "市委市政府及有关部门、各区县、市属国有重点企业", "ZY2", 9.0, None),
    ("长江经济带固体废物“清废行动”", K.SPECIAL, L.MINISTRY, None, None, False, date(2018, 5, 9),
     date(2018, 6, 30), "长江沿线固体废物非法转移倾倒", "QF", 1.5, C.SOLID_WASTE),
)

_CITY_ROUTINE = ((1, (date(2019, 5, 20), date(2019, 11, 10), date(2020, 9, 10), date(2021, 4, 15))),
                 (2, (date(2022, 6, 10), date(2023, 5, 15), date(2024, 5, 20), date(2025, 5, 18))))
_CITY_SPECIAL = ((2019, "集中式饮用水水源地专项督察", C.WATER),
                 (2020, "工业园区环境污染专项督察", C.WATER),
                 (2021, "矿山生态修复专项督察", C.ECOLOGY),
                 (2022, "长江入河排污口专项督察", C.WATER),
                 (2023, "自然保护地专项督察", C.PROTECTED),
                 (2024, "危险废物规范化管理专项督察", C.SOLID_WASTE),
                 (2025, "噪声污染防治专项督察", C.NOISE))
_STATIONED_TEAMS = ((2020, 1), (2022, 2), (2023, 2), (2024, 2), (2025, 2))  # (year, teams)
_NUMERALS = "一二三四五六七八九十"


def _generated_rows(last_year: int) -> list[_Row]:
    rows: list[_Row] = []
    for y in range(2018, 2025):
        rows.append((f"{y}年长江经济带生态环境警示片", K.SPECIAL, L.MINISTRY, None, None, False,
                     date(y, 12, 1), date(y, 12, 31), "警示片披露的生态环境突出问题", "JSP", 2.0,
                     None))
    for round_no, starts in _CITY_ROUTINE:
        for b, start in enumerate(starts):
            batch = f"第{_NUMERALS[b]}批"
            rows.append((f"重庆市第{_NUMERALS[round_no - 1]}轮生态环境保护例行督察（{batch}）",
                         K.ROUTINE, L.CITY, round_no, batch, False, start,
                         date.fromordinal(start.toordinal() + 30), "被督察区县党委政府及有关部门",
                         f"SL{round_no}", 4.0, None))
    for y, topic, cat in _CITY_SPECIAL:
        rows.append((f"{y}年{topic}", K.SPECIAL, L.CITY, None, None, False, date(y, 7, 1),
                     date(y, 8, 15), topic.removesuffix("专项督察"), "ZX", 2.5, cat))
    for y, teams in _STATIONED_TEAMS:
        rows += [(f"{y}年驻点督察第{_NUMERALS[t]}组", K.STATIONED, L.CITY, None, None, False,
                  date(y, 6, 1 + 14 * t), date(y, 7, 31), "久拖不决、整改不力问题", "ZD", 0.8, None)
                 for t in range(teams)]
    for y in range(2019, last_year + 1):
        rows.append((f"{y}年度日常督察", K.DAILY, L.CITY, None, None, False, date(y, 1, 1),
                     date(y, 12, 31), "中央、部、市级督察整改任务日常跟踪", "RC", 3.0, None))
    return rows


def inspection_catalogue(as_of: date) -> list[dict]:
    """The inspections that had started by `as_of`, oldest first, with generator hints (_prefix …)."""
    rows = sorted(_FIXED + tuple(_generated_rows(as_of.year)), key=lambda r: (r[6], r[0]))
    return [dict(name=r[0], kind=r[1].value, level=r[2].value, round_no=r[3], batch=r[4],
                 is_look_back=r[5], started_on=r[6], ended_on=r[7], scope=r[8],
                 year=r[6].year if r[1] is K.DAILY else None,
                 _prefix=r[9], _weight=r[10], _category=r[11])
            for r in rows if r[6] < as_of]


# Item-type mix per (inspection kind, level): (type, weight)
TYPE_MIX: dict[tuple[str, str], tuple[tuple[T, float], ...]] = {
    (K.ROUTINE.value, L.CENTRAL.value): ((T.FEEDBACK, 0.55), (T.PETITION, 0.45)),
    (K.ROUTINE.value, L.CITY.value): ((T.FEEDBACK, 0.6), (T.PETITION, 0.4)),
    (K.SPECIAL.value, L.MINISTRY.value): ((T.WARNING_FILM, 0.9), (T.FEEDBACK, 0.1)),
    (K.SPECIAL.value, L.CITY.value): ((T.FEEDBACK, 0.85), (T.DAILY, 0.15)),
    (K.STATIONED.value, L.CITY.value): ((T.DAILY, 0.7), (T.FEEDBACK, 0.3)),
    (K.DAILY.value, L.CITY.value): ((T.DAILY, 0.92), (T.INTERVIEW, 0.08)),
}

CATEGORY_WEIGHTS: tuple[tuple[C, float], ...] = (
    (C.WATER, 30), (C.AIR, 20), (C.SOLID_WASTE, 14), (C.ECOLOGY, 12), (C.SOIL, 6), (C.NOISE, 6),
    (C.PROTECTED, 6), (C.RADIATION, 2), (C.OTHER, 4))

PROBLEMS: dict[C, tuple[str, ...]] = {
    C.WATER: ("某化工园区污水处理厂出水氨氮超标排放", "某乡镇污水处理站长期超负荷运行",
              "某场镇雨污管网混接错接，污水直排河道", "某次级河流黑臭水体整治后反弹",
              "某饮用水水源一级保护区内存在违规建筑", "某畜禽养殖场养殖废水未经处理直排",
              "某入河排污口未完成规范化整治", "某工业园区污水管网破损渗漏",
              "某湖库总磷浓度持续超标", "某小水电站未按要求下泄生态流量"),
    C.AIR: ("某砖瓦企业脱硫设施不正常运行", "某建筑工地扬尘污染防治措施不落实",
            "某工业园区挥发性有机物无组织排放", "某餐饮集中区油烟直排扰民",
            "某混凝土搅拌站粉尘污染严重", "某汽修厂喷漆废气未经收集处理",
            "某区域秸秆露天焚烧问题反复出现", "某水泥企业超标排放氮氧化物"),
    C.SOIL: ("某关闭搬迁化工企业遗留地块未完成风险管控", "某历史遗留尾矿库渗滤液污染周边农田",
             "某重点行业企业用地土壤污染状况调查滞后", "某加油站地下油罐防渗改造未完成",
             "某污染地块未经调查评估即开发利用"),
    C.SOLID_WASTE: ("某乡镇生活垃圾填埋场渗滤液收集处理不到位", "某危险废物经营单位贮存不规范",
                    "某河道沿岸建筑垃圾违规倾倒", "某一般工业固体废物堆场防扬散措施缺失",
                    "某医疗废物暂存点管理不规范", "某生活垃圾转运站渗滤液外溢",
                    "某工业园区危险废物台账记录不全"),
    C.NOISE: ("某工业企业夜间生产噪声扰民", "某建筑工地夜间违规施工", "某交通干道两侧噪声超标",
              "某商业街区社会生活噪声扰民"),
    C.ECOLOGY: ("某废弃矿山生态修复进度滞后", "某河段非法采砂破坏河床", "某消落带违规种植养殖",
                "某山体违规开挖未恢复植被", "某长江岸线违规占用未清理", "某湿地被违规填占"),
    C.PROTECTED: ("某自然保护区核心区内存在旅游设施", "某森林公园内违规建设项目",
                  "某风景名胜区内违规采石", "某自然保护区缓冲区内存在小水电站",
                  "某湿地公园范围内违规开发"),
    C.RADIATION: ("某放射源使用单位辐射安全管理不规范", "某伴生放射性矿开发利用监管不到位",
                  "某通信基站电磁辐射环评手续不全"),
    C.OTHER: ("某规划环评未按要求开展", "某建设项目未批先建", "某环境监测数据弄虚作假",
              "某园区环境风险应急预案未备案"),
}
DETAILS = ("", "，群众反映强烈", "，存在环境风险隐患", "，问题长期未解决", "，督察组现场检查发现",
           "，整改不彻底")

TARGETS: dict[C, str] = {
    C.WATER: "出水水质稳定达标，污水应收尽收，水体水质不劣于考核目标",
    C.AIR: "废气稳定达标排放，扬尘、油烟等问题得到有效控制",
    C.SOIL: "完成调查评估和风险管控，确保土壤环境安全",
    C.SOLID_WASTE: "固体废物规范贮存、依法处置，渗滤液全收集全处理",
    C.NOISE: "厂界和区域噪声达标，群众不再反映",
    C.ECOLOGY: "完成生态修复，恢复植被和河岸生态功能",
    C.PROTECTED: "完成违规设施清理整治，恢复自然保护地生态功能",
    C.RADIATION: "辐射安全管理规范，环境风险可控",
    C.OTHER: "依法依规完成整改，建立长效管理机制",
}
MEASURES = ("制定整改方案，明确责任人和时间表，倒排工期推进",
            "开展现场排查，建立问题清单，逐项销号整改",
            "实施提标改造工程，加强日常监管和执法检查",
            "依法立案查处，责令限期改正，跟踪督促落实",
            "建立长效机制，纳入日常监管，定期开展复查")

# Municipal departments (short names, as in db.reference) that lead or share items by category.
DEPARTMENTS: dict[C, tuple[str, ...]] = {
    C.WATER: ("市生态环境局", "市水利局", "市住房城乡建委", "市农业农村委"),
    C.AIR: ("市生态环境局", "市经济信息委", "市住房城乡建委", "市交通运输委"),
    C.SOIL: ("市生态环境局", "市规划自然资源局", "市农业农村委"),
    C.SOLID_WASTE: ("市生态环境局", "市城市管理局", "市卫生健康委", "市经济信息委"),
    C.NOISE: ("市生态环境局", "市住房城乡建委", "市交通运输委"),
    C.ECOLOGY: ("市规划自然资源局", "市林业局", "市水利局"),
    C.PROTECTED: ("市林业局", "市规划自然资源局", "市文化旅游委"),
    C.RADIATION: ("市生态环境局", "市卫生健康委"),
    C.OTHER: ("市生态环境局", "市发展改革委", "市财政局"),
}
SOES = ("水务环境集团", "能投集团", "城投集团", "交通开投集团", "港务物流集团", "化医集团", "建工集团")

TOWNSHIPS = ("龙山街道", "青龙镇", "石桥镇", "新华街道", "白沙镇", "高峰镇", "双河镇", "三合镇",
             "河东街道", "太平镇", "永兴镇", "长安镇", "桂花街道", "金竹镇", "清泉乡", "回龙镇",
             "复兴镇", "龙泉街道", "安澜镇", "大河乡", "马鞍街道", "中和镇", "天星乡", "兴隆镇")
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜"
HEAD_TITLES = dict(district="副区长", county="副县长", autonomous="副县长", functional="管委会副主任")
BUREAU_TITLE = "生态环境局局长"
CITY_TITLES = ("副局长", "副主任", "处长", "副总经理")

PROGRESS = (  # by band of percent: <30, <60, <100, 100
    ("已制定整改方案，正在开展前期工作", "已完成现场排查，正在落实整改资金", "已完成立项审批，正在组织招标"),
    ("整改工程已开工建设", "已完成主体工程约一半，正在加快推进", "已完成部分点位整治，其余正在推进"),
    ("主体工程已基本完工，正在调试运行", "已完成大部分整改任务，正在收尾", "已完成整改，正在开展自查评估"),
    ("已完成全部整改任务，申请验收销号", "整改已完成，监测数据稳定达标", "已按方案完成整改，资料已归档"),
)
ONGOING_PROGRESS = ("已完成阶段性目标，长期坚持，按季度开展巡查", "已纳入日常监管，长期坚持",
                    "长效机制已建立，持续巩固整改成效")
DELAY_REASONS = ("涉及征地拆迁，协调难度大", "整改资金未落实到位", "受汛期影响，施工进度滞后",
                 "技术方案调整，需重新论证", "涉及历史遗留问题，权属关系复杂", "项目审批手续办理周期长")
BOUNCE_REASONS = ("现场核查发现整改不到位，验收不通过", "佐证材料不完整，验收不通过",
                  "监测数据未稳定达标，验收不通过")
REOPEN_REASONS = ("群众再次反映，问题出现反弹", "日常巡查发现问题反弹", "暗查暗访发现问题反弹")
HANDOVER_REASON = "因职能调整，移交办理"
EXTENSION_REASONS = ("工程量大，确需延长整改时限", "受汛期影响无法施工", "涉及项目审批，需延期完成",
                     "资金分批下达，需调整时序")
ACCEPTANCE = "经现场核查，整改措施落实到位，达到整改目标，同意销号"
NOTICE_REQUIREMENTS = "限期完成整改，每月报送进展，逾期将提请约谈问责"
NOTICE_RESPONSE = "已收到督办通知，召开专题会研究部署，明确责任人和完成时限，现将整改进展报告如下"
# 约谈: (core.domain.InterviewCircumstance code, 情形说明)
INTERVIEW_CIRCUMSTANCES = (("major_overdue", "整改任务推进缓慢，多项重大问题逾期未完成"),
                           ("public_outcry", "问题反弹，群众反映强烈"),
                           ("targets_missed", "环境质量改善目标未完成"),
                           ("falsification", "整改弄虚作假、表面整改"),
                           ("poor_rectification", "整改措施不力，进展严重滞后"),
                           ("major_incident", "发生突发环境事件，暴露出监管漏洞"))
INTERVIEW_PLACES = ("市生态环境局第一会议室", "市督察办会议室", "视频会议（市—区县两级）")
INTERVIEW_POSITIONS = {   # by the interviewee's unit kind
    "district": ("分管生态环境工作的副区（县）长", "区（县）政府办公室主任", "区（县）生态环境局局长"),
    "district_dept": ("局长", "分管副局长"),
    "municipal": ("分管副局长", "相关处室处长"),
    "soe": ("分管安全环保工作的副总经理", "安全环保部部长"),
}
FOLLOW_UP_NOTES = {
    "exposure": "在重庆日报和市生态环境局网站公开曝光整改不力问题",
    "inspection": "列入下一轮市级生态环境保护专项督察重点",
    "accountability": "移交市纪委监委对相关责任人追责问责",
    "restriction": "暂停审批该区域新增重点污染物排放的建设项目",
}

REFERRALS: dict[R, tuple[str, str]] = {  # cause, legal basis
    R.POLICE: ("涉嫌污染环境罪", "《行政执法机关移送涉嫌犯罪案件的规定》；环环监〔2017〕17号"),
    R.PROCURATORATE: ("生态环境公益诉讼线索", "《中华人民共和国行政诉讼法》第二十五条"),
    R.COURT: ("生态环境损害赔偿", "《生态环境损害赔偿制度改革方案》"),
    R.JUSTICE: ("生态环境损害鉴定评估", "《司法鉴定程序通则》"),
    R.DISCIPLINE: ("整改不力、敷衍整改问题责任追究", "《中国共产党问责条例》"),
    R.DEPARTMENT: ("违反生态环境管理规定，依法行政处理", "《中华人民共和国环境保护法》"),
}
MATERIALS = ["移送书", "案件调查报告", "现场检查笔录", "监测报告", "涉案物品清单"]
PETITION_HANDLING = ("经核查，反映问题属实，已责令整改并立案查处", "经核查，反映问题部分属实，已督促整改",
                     "经核查，反映问题不属实，已向信访人反馈")


FORMS = ("immediate", "month", "year", "exact", "ongoing")


def deadline_text(form: str, year: int, month: int, day: int) -> str:
    """The deadline as ledgers write it: 2022年6月底前 / 2023年底前 / 2024年12月31日 / 立行立改."""
    if form == "month":
        return f"{year}年{month}月底前"
    if form == "year":
        return f"{year}年底前"
    if form == "exact":
        return f"{year}年{month}月{day}日"
    return "立行立改" if form == "immediate" else "长期坚持"


def progress_text(percent: int, pick: int, ongoing: bool) -> str:
    """A generic progress phrase fitting `percent` (100 = done); `pick` varies the wording."""
    if ongoing:
        return ONGOING_PROGRESS[pick % len(ONGOING_PROGRESS)]
    band = PROGRESS[3 if percent >= 100 else min(percent // 30, 2)]
    return f"{band[pick % len(band)]}，完成{percent}%"


# ---------------------------------------------------------------- composing columns of words
# Vectorised over numpy object arrays: `picks` are non-negative random ints choosing the wording.

def _pool(words) -> np.ndarray:
    return np.array(list(words), dtype=object)


_CATEGORIES = list(C)
_PROBLEMS = _pool(p for c in _CATEGORIES for p in PROBLEMS[c])
_PROBLEM_LEN = np.array([len(PROBLEMS[c]) for c in _CATEGORIES])
_PROBLEM_AT = np.cumsum(_PROBLEM_LEN) - _PROBLEM_LEN
_TARGETS = _pool(TARGETS[c] for c in _CATEGORIES)


def choose(words, picks: np.ndarray) -> np.ndarray:
    """words[pick % len(words)] for each pick, as an object array."""
    pool = _pool(words)
    return pool[picks % len(pool)]


def problems(categories: np.ndarray, picks: np.ndarray) -> np.ndarray:
    """A problem phrase of each item's category (index into core.domain.Category)."""
    return _PROBLEMS[_PROBLEM_AT[categories] + picks % _PROBLEM_LEN[categories]]


def targets(categories: np.ndarray) -> np.ndarray:
    """The rectification target (整改目标) of each category."""
    return _TARGETS[categories]


def measures(picks: np.ndarray) -> np.ndarray:
    """Two different measures (整改措施) joined by ；."""
    first = picks % len(MEASURES)
    second = (first + 1 + picks // 7 % (len(MEASURES) - 1)) % len(MEASURES)
    return choose(MEASURES, first) + "；" + choose(MEASURES, second)


def leaders(titles: np.ndarray, picks: np.ndarray) -> np.ndarray:
    """责任领导 as 王某某（副区长）: a surname and a title, never a real name."""
    return choose(SURNAMES, picks // 11) + "某某（" + titles + "）"


def persons(picks: np.ndarray) -> np.ndarray:
    """责任人 as 陈某."""
    return choose(SURNAMES, picks) + "某"


def phones(picks: np.ndarray) -> list[str]:
    """Fake Chongqing numbers, 023-6xxxxxxx."""
    return [f"023-6{p % 10_000_000:07d}" for p in picks.tolist()]


def formatted(template: str, *columns) -> list[str]:
    """template.format(*row) for each row of the columns (numpy arrays or lists)."""
    lists = [c.tolist() if isinstance(c, np.ndarray) else c for c in columns]
    return [template.format(*row) for row in zip(*lists, strict=True)]


def deadline_texts(forms: np.ndarray, days: np.ndarray) -> list[str]:
    """deadline_text for each (form index into FORMS, due day since 1970-01-01)."""
    d = days.astype("M8[D]")
    years = d.astype("M8[Y]").astype(np.int64) + 1970
    months = d.astype("M8[M]").astype(np.int64) % 12 + 1
    mdays = (d - d.astype("M8[M]")).astype(np.int64) + 1
    return [deadline_text(FORMS[f], y, m, dd) for f, y, m, dd
            in zip(forms.tolist(), years.tolist(), months.tolist(), mdays.tolist(), strict=True)]

