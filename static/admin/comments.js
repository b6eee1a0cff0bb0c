// The team's view of one request's conversation: every comment and internal note, edit,
// delete, react, and a composer that says plainly whether the team alone will see it.
import { h } from "../js/ui.js";
import { commentItem, commentPaths } from "../js/comments.js";
import { t } from "../js/i18n.js";

/** Opens the comments of ``request`` in a dialog; ``can(role)`` says what the member may do. */
export async function showComments({ state, request, can, ok, fail }) {
  const path = `/apps/${state.app}/requests/${request.id}/comments`;
  const list = h("ol", { class: "list", id: "console-comments", "aria-label": t("board.comments") });
  const triage = can("moderator");
  const item = (c) => commentItem(c, {
    paths: commentPaths(state.api, state.app, request.id, c.id),
    canReact: triage, canEdit: () => triage, canDelete: triage, onError: fail, announce: ok,
  });
  const box = h("dialog", { "aria-labelledby": "comments-dialog-title", class: "comments-dialog" });
  const close = () => { box.close(); box.remove(); };
  const body = h("textarea", { id: "note-body", required: true, maxlength: 5000 });
  const internal = h("input", { id: "note-internal", type: "checkbox", checked: true });
  const submit = h("button", { class: "primary", type: "submit" }, t("notes.add_note"));
  const composer = h("form", { class: "stack composer internal", onsubmit: async (event) => {
    event.preventDefault();
    try {
      list.append(item(await state.api.post(path, { body: body.value, internal: internal.checked })));
      list.querySelector(".empty")?.remove();
      body.value = "";
      ok(internal.checked ? t("notes.note_added") : t("notes.reply_posted"));
    } catch (error) { fail(error); }
  } }, h("label", { for: "note-body" }, t("notes.write")), body,
    h("div", { class: "row" }, internal, h("label", { for: "note-internal", style: "margin:0" },
      t("notes.internal_box"))), submit);
  internal.addEventListener("change", () => {
    composer.classList.toggle("internal", internal.checked);
    submit.textContent = internal.checked ? t("notes.add_note") : t("notes.post_public");
  });
  box.append(h("div", { class: "stack" },
    h("div", { class: "row" }, h("h2", { id: "comments-dialog-title", style: "margin-block:0;margin-inline:0 auto;font-size:1.1rem" },
      t("notes.title", { title: request.title })), h("button", { type: "button", onclick: close }, t("widget.close"))),
    list, triage ? composer : null));
  box.addEventListener("close", () => box.remove());
  document.body.append(box);
  box.showModal();
  try {
    let cursor = null;
    do {
      const page = await state.api.get(path, { limit: 100, cursor });
      list.append(...page.items.map(item));
      cursor = page.nextCursor;
    } while (cursor);
    if (!list.childElementCount) list.append(h("li", { class: "empty" }, t("notes.none")));
  } catch (error) { fail(error); }
  (triage ? body : box.querySelector("button")).focus();
}
