"""Excel import and export of the 台账."""

TEXTS: dict[str, tuple[str, str]] = {
    "import.err.unreadable": ("无法读取文件（{detail}）：请上传 .xlsx 格式的 Excel 文件",
                              "Cannot read the file ({detail}): upload an .xlsx Excel workbook"),
    "import.err.no_header": ("未找到台账表头：前 {rows} 行中没有“问题描述”“区县”“整改时限”等列名",
                             "No ledger header: none of the first {rows} rows names columns such as "
                             "问题描述, 区县, 整改时限"),
    "import.err.no_rows": ("表头下没有数据行", "There are no data rows under the header"),
    "import.err.duplicate_column": ("与第 {other} 列“{other_header}”是同一列，请删除其一",
                                    "Same column as column {other} ({other_header}); remove one"),
    "import.err.missing_column": ("缺少必填列：第 {rows} 行是新任务，必须填写此列",
                                  "Required column missing: rows {rows} are new items and need it"),
    "import.err.required": ("必填项为空", "Required cell is empty"),
    "import.err.too_long": ("超过 {limit} 个字（{length} 个字）",
                            "Longer than {limit} characters ({length})"),
    "import.err.int_range": ("“{text}”超出范围（应为 1 到 2147483647 之间的整数）",
                             "\"{text}\" is out of range (a whole number from 1 to 2147483647)"),
    "import.err.not_integer": ("“{text}”不是整数", "\"{text}\" is not a whole number"),
    "import.err.not_date": ("“{text}”不是日期（请填日期单元格或“2024-03-01”形式的文字）",
                            "\"{text}\" is not a date (use a date cell or text like 2024-03-01)"),
    "import.err.percent": ("“{text}”不是 0–100 之间的百分数", "\"{text}\" is not a percentage 0–100"),
    "import.err.unknown_word": ("无法识别“{text}”，可填：{allowed}",
                                "Unknown word \"{text}\"; one of: {allowed}"),
    "import.err.unknown_district": ("未知区县“{text}”（全市任务请填“全市”）",
                                    "Unknown district \"{text}\" (write 全市 for citywide items)"),
    "import.err.unknown_unit": ("未知单位“{text}”（须为系统中单位的全称或简称）",
                                "Unknown unit \"{text}\" (use a unit's full or short name)"),
    "import.err.new_source": ("系统中没有督察“{name}”：确认后将新建"
                              "（按名称推断为{level}·{kind}，可在导入前更改）",
                              "No inspection \"{name}\" in the ledger yet: confirm to create it "
                              "(taken from its name as {level} · {kind}; you can change that "
                              "before importing)"),
    "import.note.renumbered": ("“{source}”的序号在每一分节重新从 1 开始：这 {count} 行按表中顺序连续编号",
                               "\"{source}\" numbers each section from 1: its {count} rows are numbered "
                               "through the sheet"),
    "import.cli.new_inspection": ("  将新建督察“{name}”：{level}·{kind}（依据：{why}）",
                                  "  would create inspection \"{name}\": {level} · {kind} ({why})"),
    "import.cli.confirm": ("确认后重新运行并加上 --create-inspections"
                           "（可用 --inspection-kind/--inspection-level 更改推断）",
                           "Run again with --create-inspections to confirm "
                           "(--inspection-kind/--inspection-level to change what was inferred)"),
    "import.err.too_big": ("文件过大：{size} MB，上限 {limit} MB",
                           "File too large: {size} MB, the limit is {limit} MB"),
    "import.err.too_large_unpacked": ("解压后过大：{size} MB，上限 {limit} MB（文件可能被恶意构造）",
                                      "Too large unpacked: {size} MB, the limit is {limit} MB "
                                      "(a crafted file?)"),
    "import.err.zip_bomb": ("文件中的“{part}”压缩比异常（{ratio} 倍），拒绝读取",
                            "Part \"{part}\" is compressed {ratio}-fold, far beyond a real workbook: "
                            "refused"),
    "import.err.too_many_parts": ("文件包含 {count} 个部件，上限 {limit}",
                                  "The file has {count} parts; the limit is {limit}"),
    "import.err.too_many_cells": ("工作表单元格过多（上限 {limit} 个）：请拆分后分批导入",
                                  "Too many cells in the sheets (limit {limit}): "
                                  "split the ledger and import it in parts"),
    "import.err.xml_dtd": ("文件中的“{part}”含有 DTD 声明，Excel 文件不会有，拒绝读取",
                           "Part \"{part}\" declares a DTD, which no Excel file does: refused"),
    "import.err.unknown_inspection": ("未知问题来源“{text}”（须与系统中的督察名称一致）",
                                      "Unknown source \"{text}\" (must be an inspection's name)"),
    "import.err.deadline": ("{detail}", "Deadline not understood: {detail}"),
    "import.err.no_unit": ("牵头单位和责任单位都为空", "Neither a lead unit nor a responsible unit"),
    "import.err.no_key": ("编号和序号都为空，无法确定是哪项任务",
                          "Neither 编号 nor 序号: cannot tell which item this is"),
    "import.err.no_source": ("缺少问题来源：请填写“问题来源”列，或导入时指定督察",
                             "No source: fill the 问题来源 column or choose the inspection"),
    "import.err.duplicate_code": ("编号“{code}”与第 {other} 行重复",
                                  "编号 \"{code}\" repeats row {other}"),
    "import.err.duplicate_seq": ("“{source}”的序号 {seq} 与第 {other} 行重复",
                                 "序号 {seq} of \"{source}\" repeats row {other}"),
    "import.err.seq_taken": ("“{source}”的序号 {seq} 已是编号“{code}”的任务",
                             "序号 {seq} of \"{source}\" already belongs to item {code}"),
    "import.err.code_taken": ("按序号生成的编号“{code}”已被另一项任务使用，请填写编号",
                              "The code made from 序号, \"{code}\", is taken; fill in 编号"),
    "import.err.stale": ("编号“{code}”在导出后已被修改（文件中版本 {seen}，当前版本 {current}）："
                         "请重新导出后再修改",
                         "Item {code} changed after this file was exported (file version {seen}, "
                         "now {current}): export again and redo the edit"),
    "import.problem": ("第 {row} 行 · {column}：{message}", "Row {row} · {column}: {message}"),
    "import.problem_file": ("{column}：{message}", "{column}: {message}"),
    "import.column.file": ("文件", "File"),
    "import.column.header": ("表头", "Header"),
    "import.column.source": ("问题来源", "Source"),
    "import.failed": ("导入失败，未导入任何数据：共 {count} 处错误",
                      "Import refused, nothing was imported: {count} problems"),
    "import.more_problems": ("……另有 {count} 处错误未列出", "… and {count} more problems"),
    "import.summary": ("导入完成（工作表“{sheet}”）：新增 {created} 条，修改 {changed} 条，"
                       "未变 {unchanged} 条",
                       "Imported (sheet \"{sheet}\"): {created} new, {changed} changed, "
                       "{unchanged} unchanged"),
    "import.summary_dry": ("试运行，未写入（工作表“{sheet}”）：将新增 {created} 条，修改 {changed} 条，"
                           "未变 {unchanged} 条",
                           "Dry run, nothing written (sheet \"{sheet}\"): {created} new, "
                           "{changed} changed, {unchanged} unchanged"),
    "import.action.new": ("新增", "New"),
    "import.action.changed": ("修改", "Changed"),
    "import.action.unchanged": ("未变", "Unchanged"),
    "import.action.invalid": ("有错误", "Has problems"),
    "import.col.row": ("Excel 行号", "Excel row"),
    "import.col.code": ("编号", "Code"),
    "import.col.action": ("处理", "Action"),
    "import.col.changes": ("变更", "Changes"),
    "import_sources.intro": ("文件中有 {n} 个问题来源（督察）不在系统中。"
                             "请核对下面按名称推断的督察类型和层级，确认后导入时将新建这些督察：",
                             "{n} source(s) (inspections) in the file are not in the ledger. Check the kind "
                             "and level taken from each name; once confirmed the import creates them:"),
    "import_sources.because": ("推断依据：{why}", "Taken from: {why}"),
    "import_sources.assumed": ("（名称未写明，按默认）", "(not in the name: the default)"),
    "import_sources.chosen": ("（已手动选择）", "(chosen)"),
    "import_sources.kind": ("督察类型", "Kind"),
    "import_sources.level": ("来源层级", "Level"),
    "import_sources.confirm": ("确认新建以上 {n} 个督察", "Create these {n} inspection(s)"),
    "import_ledger.title": ("导入 Excel 台账", "Import an Excel ledger"),
    "import_ledger.intro": ("上传 .xlsx 台账：先预览每一行将新增、修改还是不变，"
                            "以及每处错误（按 Excel 行号和列名），"
                            "确认后才写入；有任何错误时一条也不导入。按“编号”（或“问题来源”+“序号”）对应已有任务。",
                            "Upload an .xlsx ledger: first a preview of what each row would do and every "
                            "problem (by Excel row and column); nothing is written until you confirm, "
                            "and nothing at all while any problem remains. Rows match items by 编号 "
                            "(or 问题来源 + 序号)."),
    "import_ledger.export_hint": ("修改已有任务：先在「台账」页导出，改好后再导入——"
                                  "文件中的“版本”列会拒绝覆盖他人在此期间的修改。",
                                  "To edit existing items, export them from the ledger page, edit, and "
                                  "import: the file's 版本 column refuses to overwrite changes made "
                                  "meanwhile."),
    "import_ledger.file": ("Excel 台账文件（.xlsx）", "Excel ledger (.xlsx)"),
    "import_ledger.inspection": ("没有“问题来源”列的行属于", "Rows without a 问题来源 column belong to"),
    "import_ledger.inspection_none": ("（以表中“问题来源”列为准）", "(as the sheet's 问题来源 column says)"),
    "import_ledger.sheet": ("工作表“{sheet}”，表头在第 {rows} 行",
                            "Sheet \"{sheet}\", header on row(s) {rows}"),
    "import_ledger.columns": ("识别的列（{n}）", "Columns recognised ({n})"),
    "import_ledger.ignored": ("未识别、将忽略的列：{columns}", "Columns not recognised, ignored: {columns}"),
    "import_ledger.skipped": ("跳过的分组/说明行：{rows}", "Section or note rows skipped: {rows}"),
    "import_ledger.metric.new": ("新增", "New"),
    "import_ledger.metric.changed": ("修改", "Changed"),
    "import_ledger.metric.unchanged": ("未变", "Unchanged"),
    "import_ledger.metric.errors": ("错误", "Problems"),
    "import_ledger.has_errors": ("发现 {count} 处错误：请在 Excel 中修正后重新上传。未导入任何数据。",
                                 "{count} problems: correct them in Excel and upload again. Nothing "
                                 "was imported."),
    "import_ledger.ready": ("预览无误：确认后将新增 {new} 条、修改 {changed} 条。",
                            "Ready: confirming adds {new} and changes {changed} items."),
    "import_ledger.nothing": ("与台账相比没有任何变化，无需导入。",
                              "Nothing differs from the ledger; nothing to import."),
    "import_ledger.only_changes": ("只看新增和修改的行", "Only new and changed rows"),
    "import_ledger.confirm": ("确认导入", "Import now"),
    "import_ledger.col.row": ("Excel 行号", "Excel row"),
    "import_ledger.col.column": ("列", "Column"),
    "import_ledger.col.message": ("问题", "Problem"),
    "export.title": ("重庆市生态环境保护督察整改台账", "Chongqing eco-environment inspection ledger"),
    "export.subtitle": ("数据截至 {today}　共 {count} 项　筛选：{filters}",
                        "Data as of {today}   {count} items   Filter: {filters}"),
    "export.no_filter": ("全部未销号任务", "all open items"),
    "export.done": ("已导出 {count} 项任务到 {path}", "Exported {count} items to {path}"),
    "export.err.unknown": ("无法识别“{text}”，可填：{allowed}", "Unknown \"{text}\"; one of: {allowed}"),
}
