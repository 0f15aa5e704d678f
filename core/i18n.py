"""The one catalogue of user-visible strings: zh-CN (default) and English, key → (中文, English).

Pages never hold literals; they call `ui.t(key)`, which calls `translate` with the session's
language. Enum codes are labelled through `label(member, lang)`. A test checks that every key has
both languages and that every enum member has a label.
"""

from __future__ import annotations

from enum import StrEnum

from core import domain as d

LANGS = ("zh", "en")

CATALOGUE: dict[str, tuple[str, str]] = {
    # app frame
    "app.title": ("督察整改台账", "Inspection Rectification Ledger"),
    "app.subtitle": ("重庆市生态环境保护督察整改", "Chongqing eco-environment inspection rectification"),
    "app.language": ("语言 / Language", "语言 / Language"),
    "app.signed_in_as": ("当前用户：{name}（{role}）", "Signed in: {name} ({role})"),
    "app.sign_out": ("退出登录", "Sign out"),
    "app.data_as_of": ("数据截至 {when}", "Data as of {when}"),
    "app.demo_banner": ("演示模式：演示数据，可随意操作", "Demo mode: demo data, feel free to explore"),
    "nav.overview": ("总览", "Overview"),
    "nav.users": ("用户管理", "Users"),
    "nav.group.ledger": ("台账", "Ledger"),
    "nav.group.admin": ("管理", "Administration"),
    # sign-in
    "login.title": ("登录", "Sign in"),
    "login.username": ("用户名", "Username"),
    "login.password": ("密码", "Password"),
    "login.submit": ("登录", "Sign in"),
    "login.failed": ("用户名或密码错误", "Wrong username or password"),
    "login.locked": ("账号已临时锁定，请于 {until} 后再试", "Account locked until {until}; try again later"),
    "login.empty": ("请输入用户名和密码", "Enter username and password"),
    "login.demo_accounts": ("演示账号（密码均为 {password}）", "Demo accounts (password {password} for all)"),
    "login.col.username": ("用户名", "Username"),
    "login.col.name": ("名称", "Name"),
    "login.col.role": ("角色", "Role"),
    "login.no_secret": ("未配置登录密钥：请在 .streamlit/secrets.toml 中设置 [auth] cookie_key",
                        "No sign-in key configured: set [auth] cookie_key in .streamlit/secrets.toml"),
    # overview
    "overview.title": ("整改总览", "Rectification overview"),
    "overview.scope_all": ("范围：全市", "Scope: whole city"),
    "overview.scope_unit": ("范围：{unit}的整改任务", "Scope: items of {unit}"),
    "overview.total": ("整改任务", "Items"),
    "overview.open": ("未销号", "Open"),
    "overview.closed": ("已销号", "Closed"),
    "overview.completion": ("销号率", "Closure rate"),
    "overview.overdue": ("逾期未完成", "Overdue"),
    "overview.by_status": ("按状态", "By state"),
    "overview.by_level": ("按来源层级", "By source level"),
    "overview.by_district": ("按区县", "By district"),
    "overview.empty": ("台账中还没有整改任务", "The ledger has no items yet"),
    "overview.overdue_rule": ("逾期：整改时限已过且未提交验收、未销号；长期坚持类不计逾期。",
                              "Overdue: past the deadline and not submitted or closed; ongoing "
                              "(长期坚持) items are never overdue."),
    "col.status": ("状态", "State"),
    "col.level": ("来源层级", "Source level"),
    "col.district": ("区县", "District"),
    "col.items": ("任务数", "Items"),
    "col.open": ("未销号", "Open"),
    "col.closed": ("已销号", "Closed"),
    "col.overdue": ("逾期", "Overdue"),
    "col.completion": ("销号率", "Closure rate"),
    "district.citywide": ("全市", "Citywide"),
    # users
    "users.title": ("用户管理", "Users"),
    "users.create": ("新建账号", "Create account"),
    "users.username": ("用户名", "Username"),
    "users.display_name": ("姓名", "Name"),
    "users.password": ("初始密码", "Initial password"),
    "users.role": ("角色", "Role"),
    "users.unit": ("所属单位（填报员必填）", "Unit (required for unit users)"),
    "users.none": ("（无）", "(none)"),
    "users.submit": ("创建", "Create"),
    "users.created": ("已创建账号 {username}", "Created account {username}"),
    "users.col.active": ("启用", "Active"),
    "users.col.last_login": ("最近登录", "Last sign-in"),
    # ledger page (台账)
    "nav.ledger": ("台账", "Ledger"),
    "ledger.title": ("整改台账", "Rectification ledger"),
    "ledger.filters": ("筛选", "Filters"),
    "ledger.district": ("区县", "District"),
    "ledger.unit": ("责任单位", "Responsible unit"),
    "ledger.inspection": ("问题来源", "Source inspection"),
    "ledger.level": ("来源层级", "Source level"),
    "ledger.kind": ("督察类型", "Inspection kind"),
    "ledger.item_type": ("问题类型", "Item type"),
    "ledger.category": ("问题类别", "Category"),
    "ledger.status": ("状态", "State"),
    "ledger.include_closed": ("显示已销号", "Show closed"),
    "ledger.overdue_only": ("仅逾期", "Overdue only"),
    "ledger.long_only": ("仅久拖不决", "Long-unresolved only"),
    "ledger.search": ("搜索问题描述或编号", "Search description or number"),
    "ledger.sort": ("排序", "Sort by"),
    "ledger.descending": ("倒序", "Descending"),
    "ledger.page": ("页码", "Page"),
    "ledger.count": ("共 {total:,} 条，第 {page}/{pages} 页", "{total:,} items, page {page} of {pages}"),
    "ledger.empty": ("没有符合条件的整改任务", "No items match"),
    "ledger.any": ("全部", "Any"),
    "sort.due_on": ("整改时限", "Deadline"),
    "sort.assigned_on": ("交办日期", "Assigned"),
    "sort.code": ("编号", "Number"),
    "sort.updated_at": ("最近更新", "Last updated"),
    "sort.progress": ("整改进度", "Progress"),
    "sort.district": ("区县", "District"),
    "sort.status": ("状态", "State"),
    "col.code": ("编号", "Number"),
    "col.lead_unit": ("牵头单位", "Lead unit"),
    "col.category": ("问题类别", "Category"),
    "col.description": ("问题描述", "Description"),
    "col.deadline": ("整改时限", "Deadline"),
    "col.due_on": ("到期日", "Due"),
    "col.progress": ("进度", "Progress"),
    "col.latest_progress_on": ("最近进展", "Last report"),
    "col.days_overdue": ("逾期天数", "Days overdue"),
    "error.permission": ("无权执行此操作", "You may not do this"),
    "error.invalid": ("输入有误：{detail}", "Invalid input: {detail}"),
    "error.stale": ("该记录已被他人修改，未保存。变更：{detail}",
                    "Someone else changed this record; nothing was saved. Changes: {detail}"),
}

ENUM_LABELS: dict[type[StrEnum], dict[str, tuple[str, str]]] = {
    d.Status: {"draft": ("待交办", "Draft"), "assigned": ("已交办", "Assigned"),
               "in_progress": ("整改中", "In progress"),
               "submitted": ("待验收", "Awaiting verification"),
               "notice": ("公示中", "Public notice"), "closed": ("已销号", "Closed")},
    d.InspectionKind: {"routine": ("例行督察", "Routine"), "special": ("专项督察", "Special"),
                       "stationed": ("驻点督察", "Stationed"), "daily": ("日常督察", "Daily")},
    d.SourceLevel: {"central": ("中央", "Central"), "ministry": ("部级", "Ministry"),
                    "city": ("市级", "Municipal")},
    d.ItemType: {"feedback": ("反馈问题", "Feedback problem"), "petition": ("信访件", "Complaint"),
                 "warning": ("警示片问题", "Warning-film problem"),
                 "daily": ("日常发现问题", "Found in daily work"),
                 "interview": ("约谈问题", "Interview problem")},
    d.Category: {"water": ("水", "Water"), "air": ("大气", "Air"), "soil": ("土壤", "Soil"),
                 "solid": ("固废", "Solid waste"), "noise": ("噪声", "Noise"),
                 "ecology": ("生态", "Ecology"), "protected": ("自然保护地", "Protected area"),
                 "radiation": ("辐射", "Radiation"), "other": ("其他", "Other")},
    d.Stage: {"short": ("短期", "Short term"), "medium": ("中期", "Medium term"),
              "long": ("长期", "Long term"), "ongoing": ("长期坚持", "Ongoing")},
    d.SupervisionLevel: {"normal": ("一般", "Normal"), "key": ("重点督办", "Key supervision"),
                         "listed": ("挂牌督办", "Listed supervision")},
    d.Role: {"admin": ("系统管理员", "Administrator"), "coordinator": ("督察办协调员", "Coordinator"),
             "leader": ("领导", "Leadership"), "unit": ("责任单位填报员", "Responsible unit"),
             "viewer": ("访客（只读）", "Viewer (read-only)")},
    d.Region: {"metro": ("主城都市区", "Metropolitan area"),
               "northeast": ("渝东北三峡库区城镇群", "Northeast (Three Gorges)"),
               "southeast": ("渝东南武陵山区城镇群", "Southeast (Wuling)")},
}


def translate(key: str, lang: str = "zh", **values) -> str:
    """The string for `key` in `lang` ("zh" or "en"), formatted with `values`; raises KeyError."""
    zh, en = CATALOGUE[key]
    text = en if lang == "en" else zh
    return text.format(**values) if values else text


def label(member: StrEnum | str, enum: type[StrEnum] | None = None, lang: str = "zh") -> str:
    """The display label of an enum code; unknown codes are shown as they are."""
    enum = enum or type(member)
    pair = ENUM_LABELS.get(enum, {}).get(str(member.value if isinstance(member, StrEnum) else member))
    if pair is None:
        return str(member)
    return pair[1] if lang == "en" else pair[0]
