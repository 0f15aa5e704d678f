"""Working days and the admin's holidays (节假日设置)."""

TEXTS: dict[str, tuple[str, str]] = {
    "err.holiday_kind": ("类型须为“休”或“班”，收到“{value}”",
                         "type must be 休 (day off) or 班 (make-up workday), got {value}"),
    "err.makeup_on_workday": ("{day} 本来就是工作日，不能登记为调休上班日（请核对日期）",
                              "{day} is a working day anyway: a make-up workday falls on a weekend "
                              "or holiday (check the date)"),
    "err.holiday_twice": ("{day} 重复（另见第 {row} 行）", "{day} appears twice (see also row {row})"),
    "err.holiday_none": ("{day} 没有录入的节假日", "no holiday was entered for {day}"),
    "err.stale_holidays": ("{year} 年的节假日在您打开后已被他人修改，未保存",
                           "the {year} holidays changed since you opened them; nothing was saved"),
    "err.holiday_file_empty": ("文件中没有日期", "the file holds no days"),
    "err.holiday_column_missing": ("缺少此列（表头须有“日期”和“类型”）",
                                   "column missing (the header needs 日期 and 类型)"),
    "err.holiday_date": ("无法识别的日期“{value}”（可写 2027-10-01、2027/10/1、2027年10月1日）",
                         "not a date: {value} (write 2027-10-01, 2027/10/1 or 2027年10月1日)"),
    "err.holiday_span": ("日期区间“{value}”无效（结束不早于开始，最长 {n} 天）",
                         "invalid span {value} (the end not before the start, at most {n} days)"),
    "err.holiday_rows": ("文件超过 {n} 行", "the file has more than {n} rows"),
    "holiday_file.file": ("文件", "File"),
    "holiday_file.blank": ("（空）", "(blank)"),
    "holidays.basis.official": ("{year} 年：按国家法定节假日安排（chinese-calendar 已收录）",
                                "{year}: the official calendar (chinese-calendar has it)"),
    "holidays.basis.official_entered": ("{year} 年：国家法定节假日安排，另有录入的更正",
                                        "{year}: the official calendar, with entered corrections"),
    "holidays.basis.entered": ("{year} 年：按录入的节假日（chinese-calendar 尚未收录）",
                               "{year}: the entered days (chinese-calendar lacks the year)"),
    "holidays.basis.none": ("{year} 年：无官方日历、也未录入，按周一至周五计算，相关期限为暂定",
                            "{year}: neither official nor entered: Monday–Friday are counted and "
                            "due dates through it are provisional"),
    "holidays.cli.failed": ("导入失败，未作任何修改：共 {count} 处错误",
                            "Import refused, nothing changed: {count} problems"),
    "holidays.cli.would": ("{year} 年（试运行）：将新增 {added} 天、修改 {changed} 天、删除 {removed} 天，"
                           "{unchanged} 天不变",
                           "{year} (dry run): would add {added}, change {changed}, remove {removed}; "
                           "{unchanged} unchanged"),
    "holidays.cli.done": ("{year} 年：新增 {added} 天、修改 {changed} 天、删除 {removed} 天，"
                          "{unchanged} 天不变（第 {version} 版）",
                          "{year}: added {added}, changed {changed}, removed {removed}; {unchanged} "
                          "unchanged (version {version})"),
    "holidays.cli.recomputed": ("重新计算期限：{code} {before} → {after}{note}",
                                "due date recomputed: {code} {before} → {after}{note}"),
    "holidays.cli.still_provisional": ("（仍为暂定）", " (still provisional)"),
    "holidays.cli.revision": ("第 {version} 版，{at} 由 {who} 录入 {source}",
                              "version {version}, entered {at} by {who} {source}"),
    "holidays.cli.count": ("共录入放假 {holidays} 天、调休上班 {workdays} 天",
                           "{holidays} days off and {workdays} make-up workdays entered"),
}
