"""Sign-in and accounts."""

TEXTS: dict[str, tuple[str, str]] = {
    "login.title": ("登录", "Sign in"),
    "login.username": ("用户名", "Username"),
    "login.password": ("密码", "Password"),
    "login.submit": ("登录", "Sign in"),
    "login.failed": ("用户名或密码错误", "Wrong username or password"),
    "login.locked": ("尝试次数过多，登录已暂停，请于 {until} 后再试",
                     "Too many attempts: signing in is paused until {until}; try again then"),
    "login.session_ended": ("您的账号已被管理员变更或已在别处退出，请重新登录",
                            "Your account was changed by an admin or signed out elsewhere: "
                            "please sign in again"),
    "login.go_home": ("请先登录 →", "Please sign in first →"),
    "login.empty": ("请输入用户名和密码", "Enter username and password"),
    "login.demo_accounts": ("演示账号（密码均为 {password}）", "Demo accounts (password {password} for all)"),
    "login.col.username": ("用户名", "Username"),
    "login.col.name": ("名称", "Name"),
    "login.col.role": ("角色", "Role"),
    "login.no_secret": ("未配置登录密钥：请在 .streamlit/secrets.toml 中设置 [auth] cookie_key",
                        "No sign-in key configured: set [auth] cookie_key in .streamlit/secrets.toml"),
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
    # account errors raised by core (core.messages.say)
    "err.username_chars": ("只能使用字母、数字、“_”或“.”", "letters, digits, '_' or '.' only"),
    "err.username_taken": ("用户名 {name} 已被使用", "username {name} is taken"),
    "err.password_short": ("至少 {n} 个字符", "at least {n} characters"),
    "err.password_long": ("不能超过 {n} 个字节（约 {n} 个英文字符或 24 个汉字）",
                          "at most {n} bytes (about {n} letters or 24 Chinese characters)"),
    "err.unit_required": ("填报员账号必须绑定单位或区县",
                          "a unit account must be bound to a unit or district"),
    "err.no_unit": ("没有编号为 {id} 的单位", "no unit with id {id}"),
    "err.no_district": ("没有编号为 {id} 的区县", "no district with id {id}"),
    "err.no_user": ("没有编号为 {id} 的账号", "no account with id {id}"),
    "err.user_stale": ("账号 {name} 在您打开后已被修改，请刷新后重试",
                       "account {name} changed since you opened it; reload and try again"),
    "err.last_admin": ("这是最后一个启用的管理员账号，不能停用或改为其他角色",
                       "this is the last active admin account: it cannot be disabled or given another role"),
    "err.cookie_key_missing": ("未配置登录密钥：请在 .streamlit/secrets.toml 的 [auth] 中设置 cookie_key"
                               "（至少 32 字节的随机字符串，例如 python3 -c \"import secrets; "
                               "print(secrets.token_urlsafe(48))\" 的输出）",
                               "No sign-in key: set cookie_key under [auth] in .streamlit/secrets.toml "
                               "(a random string of at least 32 bytes, e.g. the output of "
                               "python3 -c \"import secrets; "
                               "print(secrets.token_urlsafe(48))\")"),
    "err.cookie_key_demo": ("登录密钥是演示模式的公开密钥，不能在正式环境使用：请换成自己生成的随机字符串",
                            "The sign-in key is demo mode's public key and cannot be used for real: "
                            "generate your own random string"),
    "err.cookie_key_short": ("登录密钥太短（{length} 字节）：至少需要 {n} 字节的随机字符串",
                             "The sign-in key is too short ({length} bytes): use a random string of at "
                             "least {n} bytes"),
}
