"""The item page: evidence thumbnails and previews, the print view (一案一档), figures."""

TEXTS: dict[str, tuple[str, str]] = {
    "nav.item_print": ("打印（一案一档）", "Print (case file)"),
    "item_print.title": ("打印（一案一档）", "Print (case file)"),
    # evidence previews (ui.evidence_preview)
    "preview.none": ("无法预览", "no preview"),
    "preview.enlarge": ("查看大图", "Enlarge"),
    "preview.enlarge_help": ("放大查看 {name}", "View {name} larger"),
    "preview.title": ("预览：{name}", "Preview: {name}"),
    "preview.first_page": ("第 1 页", "page 1"),
    # figures at the top of the item page (ui.item_views.item_figures)
    "figure.left.days": ("{n} 天", "{n} days"),
    "figure.left.overdue": ("逾期 {n} 天", "{n} d late"),
    "figure.left.ongoing": ("长期坚持", "Ongoing"),
    "figure.left.ongoing_help": ("长期坚持的任务不计逾期，每季度报送一次进展",
                                 "An ongoing item is never overdue; it reports progress each quarter"),
    "figure.history_help": ("延期 {ext} 次，验收不通过或公示有异议 {bounce} 次，反弹 {reopen} 次",
                            "Extended {ext} times, failed verification or drew an objection {bounce} "
                            "times, reopened {reopen} times"),
    "figure.deadline_help": ("整改时限原文：{text}", "Deadline as worded: {text}"),
    # the timeline (ui.item_views._entry)
    "timeline.change": ("{field}：{before} → {after}", "{field}: {before} → {after}"),
    "timeline.reminder_note": ("催办说明：{text}", "Note: {text}"),
    # the print view (pages/item_print.py, ui.item_views.dossier_html)
    "print.open": ("打印 / 一案一档", "Print / case file"),
    "print.button": ("打印", "Print"),
    "print.back": ("返回任务详情", "Back to the item"),
    "print.hint": ("点「打印」或按 Ctrl+P；在打印对话框中选择「另存为 PDF」可保存电子档。",
                   "Press Print or Ctrl+P; choose \"Save as PDF\" in the print dialog for a file."),
    "print.pick": ("请从整改任务详情页进入打印。", "Open the print view from an item's page."),
    "print.title": ("整改任务档案（一案一档）", "Item case file"),
    "print.printed": ("打印人：{who}　打印时间：{at}　数据版本：{version}",
                      "Printed by {who} at {at} · record version {version}"),
    "print.section.timeline": ("办理记录", "Timeline"),
    "print.section.evidence": ("佐证材料", "Evidence"),
    "print.section.links": ("关联约谈与移送", "Linked interviews and referrals"),
    "print.col.when": ("时间", "When"),
    "print.col.who": ("办理人 / 单位", "Who / unit"),
    "print.col.what": ("事项", "What"),
    "print.col.why": ("原因 / 内容", "Why / details"),
    "print.col.file": ("文件", "File"),
    "print.col.preview": ("预览", "Preview"),
    "print.files": ("附件：{names}", "Files: {names}"),
    "print.interviews": ("约谈", "Interviews"),
    "print.referrals": ("移送", "Referrals"),
    # the unit rule, stated on the new-item page (pages/item_form.py)
    "item_page.form_intro_new": (
        "新建的任务为「待交办」，是督察办的工作稿：交办后，责任单位（及所在区县）才能看到并报送进展。"
        "带 * 的为必填项。",
        "A new item starts as a draft, the office's working copy: units (and the district) see it "
        "only once it is assigned. Fields marked * are required."),
}
