// The team's view of one request's conversation: every comment and internal note, edit,
// delete, react, and a composer that says plainly whether the team alone will see it.
import { h } from "../js/ui.js";
import { commentItem, commentPaths } from "../js/comments.js";

/** Opens the comments of ``request`` in a dialog; ``can(role)`` says what the member may do. */
export async function showComments({ state, request, can, ok, fail }) {
  const path = `/apps/${state.app}/requests/${request.id}/comments`;
  const list = h("ol", { class: "list", id: "console-comments", "aria-label": "Comments" });
  const triage = can("moderator");
  const item = (c) => commentItem(c, {
    paths: commentPaths(state.api, state.app, request.id, c.id),
    canReact: triage, canEdit: () => triage, canDelete: triage, onError: fail, announce: ok,
  });
  const box = h("dialog", { "aria-labelledby": "comments-dialog-title", class: "comments-dialog" });
  const close = () => { box.close(); box.remove(); };
  const body = h("textarea", { id: "note-body", required: true, maxlength: 5000 });
  const internal = h("input", { id: "note-internal", type: "checkbox", checked: true });
  const submit = h("button", { class: "primary", type: "submit" }, "Add internal note");
  const composer = h("form", { class: "stack composer internal", onsubmit: async (event) => {
    event.preventDefault();
    try {
      list.append(item(await state.api.post(path, { body: body.value, internal: internal.checked })));
      list.querySelector(".empty")?.remove();
      body.value = "";
      ok(internal.checked ? "Internal note added: only the team sees it." : "Reply posted: everyone sees it.");
    } catch (error) { fail(error); }
  } }, h("label", { for: "note-body" }, "Write to the team or reply"), body,
    h("div", { class: "row" }, internal, h("label", { for: "note-internal", style: "margin:0" },
      "Internal note: only the team sees it")), submit);
  internal.addEventListener("change", () => {
    composer.classList.toggle("internal", internal.checked);
    submit.textContent = internal.checked ? "Add internal note" : "Post reply (public)";
  });
  box.append(h("div", { class: "stack" },
    h("div", { class: "row" }, h("h2", { id: "comments-dialog-title", style: "margin:0 auto 0 0;font-size:1.1rem" },
      `Comments on “${request.title}”`), h("button", { type: "button", onclick: close }, "Close")),
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
    if (!list.childElementCount) list.append(h("li", { class: "empty" }, "No comments yet."));
  } catch (error) { fail(error); }
  (triage ? body : box.querySelector("button")).focus();
}
