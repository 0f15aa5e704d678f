"""Streamlit's own widget text in both languages (uploader, placeholders, empty cells) and
admin-form messages."""

TEXTS: dict[str, tuple[str, str]] = {
    # file uploaders (ui/uploads.py): our note and button text in place of Streamlit's English
    "upload.note": ("或拖放到此处 · 每个文件不超过 {mb} MB", "or drop here · up to {mb} MB per file"),
    "upload.types": (" · {types}", " · {types}"),
    "upload.note_any": ("或拖放文件到此处", "or drop files here"),
    "upload.button": ("选择文件", "Choose file"),
    # account fields as a refusal names them (core.access.users / accounts → core.messages.problem)
    "users.field.username": ("用户名", "Username"),
    "users.field.display_name": ("姓名", "Name"),
    "users.field.password": ("密码", "Password"),
    "users.field.role": ("角色", "Role"),
    "users.field.unit": ("所属单位", "Unit"),
    "users.field.district": ("所属区县", "District"),
    # placeholders of a selectbox with no value / a multiselect (Streamlit's own: "Choose an option")
    "select.choose_one": ("请选择", "Choose one"),
    # one refused field, in a list (ui.account_admin.problem_lines): the colon of the language
    "form.problem_line": ("- **{field}**：{message}", "- **{field}**: {message}"),
    # 规则设置's intro: the English one named 我的待办 in Chinese (settings.intro, kept for others)
    "settings.intro_worded": (
        "以下参数决定久拖不决的认定、我的待办的提醒和领导大屏的刷新，修改后立即对所有页面生效"
        "（台账、地图、大屏、久拖不决、我的待办和导出）。",
        "These numbers decide what is long-unresolved, what My to-do reminds of and how often the big "
        "screen refreshes; a change applies at once to every screen (ledger, map, big screen, "
        "long-unresolved, my to-do) and to exports."),
    # 大屏令牌 before any token was issued (in place of an empty table, which reads "empty")
    "kiosk_tokens.none_issued": ("还没有签发过令牌", "No token has been issued yet"),
}
