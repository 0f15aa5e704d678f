"""AppTest helpers for the item pages: open a page on an item, press a button by its label,
read what the page said."""

from __future__ import annotations

PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
                    "0000000b49444154789c6360000200000500017a5eab3f0000000049454e44ae426082")
PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\n%%EOF\n"


def open_page(app, actor, path: str, item_id: int | None = None):
    """An AppTest signed in as `actor`, on `path` (with ?id=item_id when given)."""
    at = app(actor)
    at.run()
    at.switch_page(path)
    if item_id is not None:
        at.query_params["id"] = str(item_id)
    at.run()
    assert not at.exception, at.exception
    return at


def press(at, label: str):
    """Click the (form submit) button labelled `label` and rerun."""
    matches = [b for b in at.button if b.label == label]
    assert matches, f"no button {label!r}; buttons: {[b.label for b in at.button]}"
    matches[0].click()
    at.run()
    assert not at.exception, at.exception
    return at


def labels(at) -> list[str]:
    return [b.label for b in at.button]


def errors(at) -> str:
    return "\n".join(e.value for e in at.error)


def texts(at) -> str:
    """Every markdown, caption, title and alert text on the page, joined."""
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    parts += [x.value for x in (*at.title, *at.success, *at.info, *at.warning, *at.error)]
    return "\n".join(parts)


def action_key(item_id: int, name: str, gen: int = 0) -> str:
    """The widget key of an action form field on the item page (ui.item_actions.Ctx.key)."""
    return f"act_{item_id}_{gen}_{name}"
