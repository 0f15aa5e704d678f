"""In a real browser: no English from Streamlit itself on a Chinese screen (and no Chinese note on
an English one) where this app can set the words. The import page's uploader states the real cap
(LEDGER_IMPORT_MAX_MB, 30 MB) in the user's language instead of "Upload" and "30MB per file"
(or "Drag and drop … Limit 200MB per file" of older Streamlit); the users' table shows a dash,
never "None", for a missing value (read from the grid's accessible table: the cells themselves
are drawn on a canvas). Screenshots at 1366 and 1920 px, in both languages."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import ARTIFACTS, Watched, own_app, wait_for_app

TIMEOUT = 90_000
DROPZONE = '[data-testid="stFileUploaderDropzone"]'
NOTE = '[data-testid="stFileUploaderDropzoneInstructions"] > div'
BUTTON = f'{DROPZONE} [data-testid="stBaseButton-secondary"] [data-testid="stMarkdownContainer"]'
STREAMLIT_WORDS = re.compile(r"Drag and drop|Browse files|\bUpload\b|per file|200\s?MB|Limit")


@pytest.fixture(scope="module")
def language_app(chromium_path, tmp_path_factory):
    with own_app(tmp_path_factory.mktemp("language"), items=50) as (url, _db_url):
        yield url


@pytest.fixture(scope="module")
def live_app(language_app):
    return language_app


@pytest.fixture
def admin(browser, language_app, request):
    """A demo admin signed in (the sign-in page's one-click button), at 1366×768."""
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN")
    w = Watched(context.new_page(), language_app)
    w.page.goto(language_app, wait_until="domcontentloaded")
    wait_for_app(w.page, timeout=TIMEOUT)
    w.page.locator('[class*="st-key-demo_sign_in_demo_admin"] button').click()
    w.page.get_by_text("演示管理员").first.wait_for(timeout=TIMEOUT)
    wait_for_app(w.page, timeout=TIMEOUT)
    yield w
    w.screenshot(f"language-last-{request.node.name}".replace("/", "_"))
    context.close()


def open_page(w: Watched, url: str, path: str, lang: str) -> None:
    w.page.goto(f"{url}/{path}" + ("?lang=en" if lang == "en" else ""), wait_until="domcontentloaded")
    wait_for_app(w.page, timeout=TIMEOUT)


def after(page, selector: str) -> str:
    """The text a ::after rule puts on the first match (quotes removed)."""
    content = page.locator(selector).first.evaluate("e => getComputedStyle(e, '::after').content")
    return content.strip('"')


@pytest.mark.parametrize(("lang", "note", "button"), [
    ("zh", "或拖放到此处 · 每个文件不超过 30 MB · XLSX", "选择文件"),
    ("en", "or drop here · up to 30 MB per file · XLSX", "Choose file")])
def test_the_import_uploader_speaks_the_users_language(admin, language_app, lang, note, button):
    open_page(admin, language_app, "import", lang)
    page = admin.page
    page.locator(DROPZONE).wait_for(timeout=TIMEOUT)
    assert after(page, NOTE) == note
    assert after(page, BUTTON) == button
    shown = page.locator('[data-testid="stFileUploader"]').first.inner_text()
    assert not STREAMLIT_WORDS.search(shown), shown      # Streamlit's own texts are hidden
    if lang == "zh":
        assert not re.search(r"Drag and drop|200\s?MB", page.locator('[data-testid="stApp"]').inner_text())
    else:
        assert not re.search(r"[\u4e00-\u9fff]", after(page, NOTE) + after(page, BUTTON))
    for width, height in ((1366, 768), (1920, 1080)):
        page.set_viewport_size({"width": width, "height": height})
        box = page.locator(DROPZONE).first.bounding_box()
        assert box and box["x"] + box["width"] <= width                # fits, no sideways scroll
        admin.screenshot(f"language-import-{lang}-{width}")
    assert not admin.outside and not admin.console_errors, (admin.outside, admin.console_errors)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_missing_values_read_as_a_dash_not_none(admin, language_app, lang):
    open_page(admin, language_app, "users", lang)
    grid = admin.page.locator('[data-testid="stDataFrame"]').first
    grid.wait_for(timeout=TIMEOUT)
    admin.page.wait_for_timeout(1000)
    cells = grid.locator("table td, [role='gridcell']").all_inner_texts()
    assert "demo_viewer" in cells                               # the accessible table was read
    assert "—" in cells                                         # a never-used account's last sign-in
    assert not {"None", "NaN", "NaT", "nan", "null"} & set(cells), cells
    admin.screenshot(f"language-users-{lang}")
    assert ARTIFACTS.joinpath(f"language-users-{lang}.png").exists()


def field(page, label: str):
    return page.get_by_label(label, exact=True)


@pytest.mark.parametrize(("lang", "words"), [
    ("zh", {"open": "新建账号", "username": "用户名", "name": "姓名", "password": "初始密码",
            "submit": "创建", "problem": "密码：至少 8 个字符"}),
    ("en", {"open": "Create account", "username": "Username", "name": "Name", "password": "Initial password",
            "submit": "Create", "problem": "Password: at least 8 characters"})])
def test_a_refused_account_keeps_its_fields_and_a_created_one_clears_them(admin, language_app, lang, words):
    """What the browser shows, not only what the server holds: the typed values stay in the
    fields after a refusal, and the fields are empty after the account is created."""
    open_page(admin, language_app, "users", lang)
    page = admin.page
    page.get_by_text(words["open"], exact=True).click()
    username = f"browser.{lang}"
    field(page, words["username"]).fill(username)
    field(page, words["name"]).fill("浏览器测试")
    field(page, words["password"]).fill("short")
    page.get_by_role("button", name=words["submit"], exact=True).click()
    alert = page.locator('[data-testid="stAlertContentError"]').filter(has_text=words["problem"]).first
    alert.wait_for(timeout=TIMEOUT)
    wait_for_app(page, timeout=TIMEOUT)
    assert words["problem"] in alert.inner_text()
    if lang == "en":
        assert not re.search(r"[\u4e00-\u9fff]", alert.inner_text()), alert.inner_text()
    else:
        assert not re.search(r"password|characters", alert.inner_text(), re.I), alert.inner_text()
    admin.screenshot(f"language-users-refused-{lang}")
    assert field(page, words["username"]).input_value() == username
    assert field(page, words["name"]).input_value() == "浏览器测试"
    assert field(page, words["password"]).input_value() == "short"
    field(page, words["password"]).fill("long-enough-1")
    page.wait_for_timeout(300)
    page.get_by_role("button", name=words["submit"], exact=True).click()
    page.locator('[data-testid="stAlertContentSuccess"]').filter(has_text=username).first.wait_for(
        timeout=TIMEOUT)
    wait_for_app(page, timeout=TIMEOUT)
    if not field(page, words["username"]).is_visible():
        page.get_by_text(words["open"], exact=True).click()
    assert field(page, words["username"]).input_value() == ""
    assert field(page, words["password"]).input_value() == ""
