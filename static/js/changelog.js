// What the board, the console and the widget share about changelog entries.
import { h, when } from "./ui.js";

/** The entry's HTML, already sanitised by the server (markdown-it + nh3), as inert nodes:
 * DOMParser runs no script, and only the parsed body's children are adopted. */
export function richText(html) {
  const parsed = new DOMParser().parseFromString(html, "text/html");
  const box = h("div", { class: "rich" });
  box.append(...parsed.body.childNodes);
  box.querySelectorAll("a[href]").forEach((a) => { a.target = "_blank"; a.rel = "noopener noreferrer nofollow"; });
  return box;
}

/** One published entry: title (a link when ``href`` is given), date, body. */
export function entryArticle(entry, href = null) {
  return h("article", { class: "card entry", "aria-labelledby": `entry-${entry.id}` },
    h("h2", { id: `entry-${entry.id}` }, href ? h("a", { href }, entry.title) : entry.title),
    h("p", { class: "meta" }, h("time", { datetime: entry.publishedAt || entry.updatedAt }, when(entry.publishedAt || entry.updatedAt))),
    richText(entry.html));
}
