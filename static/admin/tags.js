// Tags in the console: a request's own tags (triage), and an app's tags renamed or removed
// across all its requests. The server changes a bounded number per call and answers 409
// "send again" while more remain: the same call is made again until it is done.
import { h } from "../js/ui.js";
import { t } from "../js/i18n.js";

const ROUNDS = 200;  // 50 requests a call: 10,000 requests

/** Words typed with spaces or commas, as tags: lower case, each once. */
function parsed(text) {
  return [...new Set(text.toLowerCase().split(/[\s,]+/).filter(Boolean))];
}

/** Edit one request's tags (PATCH …/requests/{id} {tags}). */
export async function editTags({ state, request, ok, fail, dialog, done }) {
  const field = h("input", { id: "tags-input", autocomplete: "off", value: request.tags.join(" "), "aria-labelledby": "dialog-title",
                             "aria-describedby": "tags-hint" });
  const hint = h("p", { class: "muted hint", id: "tags-hint" }, t("tags.hint"));
  const text = await dialog(t("tags.edit_title", { title: request.title }), h("div", { class: "stack" }, field, hint), field);
  if (text === null) return;
  try {  // the server says what is wrong with a tag
    await state.api.patch(`/apps/${state.app}/requests/${request.id}`, { tags: parsed(text) });
    ok(t("tags.saved"));
    await done();
  } catch (error) { fail(error); }
}

/** PATCH or DELETE …/tags/{tag} again while the server says more remain. */
async function acrossRequests(state, tag, name) {
  const path = `/apps/${state.app}/tags/${encodeURIComponent(tag)}`;
  for (let round = 0; round < ROUNDS; round += 1) {
    try {
      return name ? await state.api.patch(path, { name }) : await state.api.del(path);
    } catch (error) {
      if (error.status !== 409 || !/again/.test(error.message || "")) throw error;
    }
  }
  throw new Error("too many rounds");
}

/** The app's tags with their counts, each with Rename and Delete. */
export async function tagsDialog({ state, ok, fail, done }) {
  let found;
  try { found = (await state.api.get(`/apps/${state.app}/tags`)).items; } catch (error) { fail(error); return; }
  const box = h("dialog", { "aria-labelledby": "tags-title", id: "tags-dialog" });
  const close = () => { box.close(); box.remove(); done(); };
  const list = h("ul", { class: "list tag-list" });
  const row = (item) => {
    const li = h("li", { class: "row", "data-tag": item.tag });
    const show = () => li.replaceChildren(
      h("span", { class: "tag" }, item.tag), h("span", { class: "muted" }, t("console.requests_count", { count: item.count })),
      h("span", { class: "spacer" }),
      h("button", { type: "button", class: "small rename-tag", onclick: rename,
                    "aria-label": t("tags.rename_label", { tag: item.tag }) }, t("tags.rename")),
      h("button", { type: "button", class: "small danger delete-tag", "aria-label": t("tags.delete_label", { tag: item.tag }),
                    onclick: remove }, t("common.delete")));
    const rename = () => {
      const id = `rename-${item.tag}`;
      const input = h("input", { id, value: item.tag, autocomplete: "off", maxlength: 32, pattern: "[a-z0-9-]{1,32}",
                                 required: true });
      li.replaceChildren(h("form", { class: "row", onsubmit: async (e) => {
        e.preventDefault();
        const name = input.value.trim().toLowerCase();
        if (name === item.tag) return show();
        try {
          await acrossRequests(state, item.tag, name);
          ok(t("tags.renamed", { tag: item.tag, name }));
          item.tag = name;
          show();
        } catch (error) { fail(error); }
      } }, h("label", { for: id, class: "sr-only" }, t("tags.new_name")), input,
        h("button", { type: "submit", class: "small primary" }, t("common.save")),
        h("button", { type: "button", class: "small", onclick: show }, t("common.cancel"))));
      input.focus();
    };
    const remove = async () => {
      if (!confirm(t("tags.delete_confirm", { tag: item.tag, count: item.count }))) return;
      try {
        await acrossRequests(state, item.tag, null);
        ok(t("tags.deleted", { tag: item.tag }));
        li.remove();
      } catch (error) { fail(error); }
    };
    show();
    return li;
  };
  list.append(...found.map(row));
  box.append(h("h2", { id: "tags-title", style: "margin:0 0 8px;font-size:1.1rem" }, t("console.manage_tags")),
    found.length ? list : h("p", { class: "empty" }, t("console.no_tags")),
    h("div", { class: "row", style: "margin-top:12px" }, h("button", { type: "button", onclick: close }, t("widget.close"))));
  box.addEventListener("cancel", close);
  document.body.append(box);
  box.showModal();
}
