"""The ledger's vocabulary: states, kinds and roles, as stable codes stored in the database.

Codes are ASCII and never change; what users read comes from `core.i18n` (`enum.<Class>.<code>`).
"""

from __future__ import annotations

from enum import StrEnum


class Status(StrEnum):
    """Lifecycle of a ledger item (docs/domain.md): 待交办 → 已交办 → 整改中 → 待验收 → 公示中 → 已销号."""

    DRAFT = "draft"              # 待交办
    ASSIGNED = "assigned"        # 已交办
    IN_PROGRESS = "in_progress"  # 整改中
    SUBMITTED = "submitted"      # 待验收
    NOTICE = "notice"            # 公示中
    CLOSED = "closed"            # 已销号


OPEN_STATUSES = (Status.DRAFT, Status.ASSIGNED, Status.IN_PROGRESS, Status.SUBMITTED, Status.NOTICE)


class InspectionKind(StrEnum):
    ROUTINE = "routine"      # 例行督察
    SPECIAL = "special"      # 专项督察
    STATIONED = "stationed"  # 驻点督察
    DAILY = "daily"          # 日常督察


class SourceLevel(StrEnum):
    CENTRAL = "central"    # 中央 (中字头, incl. 回头看)
    MINISTRY = "ministry"  # 部 (部字头)
    CITY = "city"          # 市 (市字头)


class ItemType(StrEnum):
    FEEDBACK = "feedback"      # 反馈问题
    PETITION = "petition"      # 信访件
    WARNING_FILM = "warning"   # 警示片问题
    DAILY = "daily"            # 日常发现问题
    INTERVIEW = "interview"    # 约谈问题


class Category(StrEnum):
    WATER = "water"            # 水
    AIR = "air"                # 大气
    SOIL = "soil"              # 土壤
    SOLID_WASTE = "solid"      # 固废
    NOISE = "noise"            # 噪声
    ECOLOGY = "ecology"        # 生态
    PROTECTED = "protected"    # 自然保护地
    RADIATION = "radiation"    # 辐射
    OTHER = "other"            # 其他


class Stage(StrEnum):
    SHORT = "short"        # 短期
    MEDIUM = "medium"      # 中期
    LONG = "long"          # 长期
    ONGOING = "ongoing"    # 长期坚持


class SupervisionLevel(StrEnum):
    NORMAL = "normal"      # 一般
    KEY = "key"            # 重点督办
    LISTED = "listed"      # 挂牌督办


class InspectionState(StrEnum):
    """A stationed or special inspection opened here: under way, or ended with its conclusion."""

    OPEN = "open"              # 进行中
    CONCLUDED = "concluded"    # 已结束


class FollowUpKind(StrEnum):
    """What a stationed or special inspection records as it goes."""

    VISIT = "visit"            # 现场走访
    FINDING = "finding"        # 督察发现


class UnitRole(StrEnum):
    LEAD = "lead"            # 牵头单位
    RESPONSIBLE = "resp"     # 责任单位
    COOPERATING = "coop"     # 配合单位


class UnitKind(StrEnum):
    OFFICE = "office"              # 督察办
    MUNICIPAL_DEPT = "municipal"   # 市级部门
    DISTRICT_GOV = "district"      # 区县政府
    DISTRICT_DEPT = "district_dept"  # 区县部门
    TOWNSHIP = "township"          # 乡镇(街道)
    SOE = "soe"                    # 市属国有重点企业
    PUBLIC_SECURITY = "police"     # 公安
    PROCURATORATE = "procuratorate"  # 检察院
    COURT = "court"                # 法院
    JUSTICE = "justice"            # 司法局
    DISCIPLINE = "discipline"      # 纪委监委
    ORGANISATION = "organisation"  # 组织部


class DistrictKind(StrEnum):
    DISTRICT = "district"      # 区
    COUNTY = "county"          # 县
    AUTONOMOUS = "autonomous"  # 自治县
    FUNCTIONAL = "functional"  # 功能区 (两江新区, 重庆高新区, 万盛经开区)


class Region(StrEnum):
    METRO = "metro"            # 主城都市区
    NORTHEAST = "northeast"    # 渝东北三峡库区城镇群
    SOUTHEAST = "southeast"    # 渝东南武陵山区城镇群


class Role(StrEnum):
    ADMIN = "admin"
    COORDINATOR = "coordinator"
    LEADER = "leader"
    UNIT = "unit"
    VIEWER = "viewer"


class ExtensionStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


class ReferralKind(StrEnum):
    POLICE = "police"                # 公安: 环境犯罪线索
    PROCURATORATE = "procuratorate"  # 检察院: 公益诉讼
    COURT = "court"                  # 法院: 生态环境损害赔偿
    JUSTICE = "justice"              # 司法局
    DISCIPLINE = "discipline"        # 纪委监委/组织部: 问责
    DEPARTMENT = "department"        # 行业主管部门: 行政处理


class ReferralStatus(StrEnum):
    """移送移交 (docs/domain.md, Referrals): 待移送 → 已移送 → 已签收 → 已受理 | 不予受理 → 已立案 |
    不予立案 → 已办结; 退回 (materials incomplete) → 已移送 again once completed."""

    PENDING = "pending"        # 待移送
    SENT = "sent"              # 已移送
    RECEIVED = "received"      # 已签收 (回证)
    ACCEPTED = "accepted"      # 已受理
    REFUSED = "refused"        # 不予受理
    FILED = "filed"            # 已立案
    NOT_FILED = "not_filed"    # 不予立案
    CONCLUDED = "concluded"    # 已办结
    RETURNED = "returned"      # 退回


class DisciplineMeasure(StrEnum):
    """The kind of accountability a 纪委监委/组织部 referral ended in."""

    PARTY_DISCIPLINE = "party_discipline"  # 党纪政务处分
    ADMONISHMENT = "admonishment"          # 诫勉
    ORGANISATIONAL = "organisational"      # 组织处理
    JUDICIAL = "judicial"                  # 移送司法机关


class InterviewStatus(StrEnum):
    """The rectification track of an interview (core.interviews.moves.MOVES). Follow-up measures
    (曝光/督察/问责/区域限批) are rows of their own beside it, not a state."""

    HELD = "held"                  # 已约谈, plan awaited
    PLAN_SUBMITTED = "plan"        # 整改方案已报送
    RECTIFYING = "rectifying"      # 整改中 (plan published on the unit's portal)
    COMPLETED = "completed"        # 整改完成


class InterviewCircumstance(StrEnum):
    """约谈情形: why the office summoned the unit (生态环境约谈办法 and the city's rules)."""

    MAJOR_OVERDUE = "major_overdue"        # 重大问题未按期完成整改
    PUBLIC_OUTCRY = "public_outcry"        # 问题突出、群众反映强烈
    POOR_RECTIFICATION = "poor_rectification"  # 整改不力
    FALSIFICATION = "falsification"        # 弄虚作假、表面整改
    MAJOR_INCIDENT = "major_incident"      # 发生重大突发环境事件
    TARGETS_MISSED = "targets_missed"      # 环境质量改善目标未完成
    OTHER = "other"                        # 其他


class InterviewFollowUp(StrEnum):
    EXPOSURE = "exposure"          # 曝光
    INSPECTION = "inspection"      # 督察
    ACCOUNTABILITY = "accountability"  # 问责
    APPROVAL_RESTRICTION = "restriction"  # 区域限批 (names the district it restricts)


class PlanState(StrEnum):
    """Where an interview's rectification plan stands on a given day (derived, never stored)."""

    AWAITING = "awaiting"            # not submitted, due date final and not passed
    PROVISIONAL = "provisional"      # not submitted, due date provisional (a year not covered)
    LATE = "late"                    # not submitted, final due date passed
    SUBMITTED = "submitted"          # submitted on or before the due date
    SUBMITTED_LATE = "submitted_late"  # submitted after the due date


class PetitionTruth(StrEnum):
    TRUE = "true"        # 属实
    PARTLY = "partly"    # 部分属实
    FALSE = "false"      # 不属实


class PetitionStatus(StrEnum):
    CONCLUDED = "concluded"  # 已办结
    STAGED = "staged"        # 阶段性办结
    OPEN = "open"            # 未办结


class AuditOutcome(StrEnum):
    OK = "ok"
    REFUSED_PERMISSION = "refused_permission"
    REFUSED_STALE = "refused_stale"
    REFUSED_INVALID = "refused_invalid"
