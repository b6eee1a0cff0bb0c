// The board's public changelog: published entries, newest first, "more" pages, one entry
// on its own at #/changelog/<id>, and the Atom feed's address.
import { h } from "../js/ui.js";
import { t } from "../js/i18n.js";
import { entryArticle } from "../js/changelog.js";

export async function showChangelog({ state, view, fail, config }, id = "") {
  const list = h("div", { class: "stack", id: "changelog" });
  const more = h("button", { type: "button", hidden: true }, t("changelog.older"));
  const feed = `${config.api.replace(/\/$/, "")}/apps/${encodeURIComponent(state.app)}/changelog/feed.atom?key=${encodeURIComponent(config.key)}`;
  view.replaceChildren(
    h("div", { class: "row changelog-head" }, h("h2", { style: "margin-block:0;margin-inline:0 auto" }, id ? h("a", { href: "#/changelog" }, t("changelog.all")) : t("changelog.title")),
      h("a", { href: feed, class: "feed", type: "application/atom+xml" }, t("changelog.feed"))),
    list, more);
  if (id) {
    try {
      list.append(entryArticle(await state.api.get(`/apps/${state.app}/changelog/${encodeURIComponent(id)}`)));
    } catch (error) { fail(error); }
    return;
  }
  let cursor = null;
  const load = async () => {
    try {
      const page = await state.api.get(`/apps/${state.app}/changelog`, { limit: 10, cursor });
      list.append(...page.items.map((e) => entryArticle(e, `#/changelog/${e.id}`)));
      if (!list.children.length) list.append(h("p", { class: "card empty" }, t("changelog.empty")));
      cursor = page.nextCursor;
      more.hidden = !cursor;
    } catch (error) { fail(error); }
  };
  more.addEventListener("click", load);
  await load();
}
