// The widget's "What's new" tab: the app's latest published changelog entries.
import { h, when } from "../js/ui.js";
import { richText } from "../js/changelog.js";
import { t } from "../js/i18n.js";

const LATEST = 5;

/** Fill ``box`` with the newest entries (their HTML goes in inert, see richText). */
export async function showChangelog(box, server, app) {
  box.replaceChildren(h("p", { class: "muted" }, t("common.loading")));
  const page = await server.get(`/apps/${app}/changelog`, { limit: LATEST });
  const items = page.items.map((entry) => h("article", { class: "entry" },
    h("h3", {}, entry.title), h("time", { datetime: entry.publishedAt }, when(entry.publishedAt)),
    richText(entry.html)));
  box.replaceChildren(...(items.length ? items : [h("p", { class: "muted" }, t("widget.no_updates"))]));
}
