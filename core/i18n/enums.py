"""Labels of the domain's codes (`core.domain`), per enum: code → (中文, English)."""

from __future__ import annotations

from enum import StrEnum

from core import domain as d

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
    d.InspectionState: {"open": ("进行中", "Under way"), "concluded": ("已结束", "Concluded")},
    d.FollowUpKind: {"visit": ("现场走访", "Site visit"), "finding": ("督察发现", "Finding")},
    d.Role: {"admin": ("系统管理员", "Administrator"), "coordinator": ("督察办协调员", "Coordinator"),
             "leader": ("领导", "Leadership"), "unit": ("责任单位填报员", "Responsible unit"),
             "viewer": ("访客（只读）", "Viewer (read-only)")},
    d.Region: {"metro": ("主城都市区", "Metropolitan area"),
               "northeast": ("渝东北三峡库区城镇群", "Northeast (Three Gorges)"),
               "southeast": ("渝东南武陵山区城镇群", "Southeast (Wuling)")},
    d.InterviewCircumstance: {
        "major_overdue": ("重大问题未按期完成整改", "Major problems not rectified on time"),
        "public_outcry": ("问题突出、群众反映强烈", "Serious problems, strong public complaints"),
        "poor_rectification": ("整改不力", "Poor rectification"),
        "falsification": ("弄虚作假、表面整改", "Falsified or superficial rectification"),
        "major_incident": ("发生重大突发环境事件", "Major environmental emergency"),
        "targets_missed": ("环境质量改善目标未完成", "Environmental quality targets missed"),
        "other": ("其他情形", "Other")},
    d.InterviewFollowUp: {"exposure": ("曝光", "Public exposure"), "inspection": ("督察", "Inspection"),
                          "accountability": ("问责", "Accountability"),
                          "restriction": ("区域限批", "Regional approval restriction")},
    d.PlanState: {"awaiting": ("未到期", "Not yet due"), "provisional": ("期限暂定", "Provisional due date"),
                  "late": ("逾期未报送", "Late"), "submitted": ("已按期报送", "Submitted on time"),
                  "submitted_late": ("逾期报送", "Submitted late")},
}
