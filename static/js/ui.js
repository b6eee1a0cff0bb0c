// Small DOM helpers. User text only ever goes in as text nodes, never as HTML.

export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith("on")) el.addEventListener(name.slice(2), value);
    else if (name === "class") el.className = value;
    else el.setAttribute(name, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

export const STATUS_LABELS = {
  open: "Open", under_review: "Under review", planned: "Planned", in_progress: "In progress",
  completed: "Completed", declined: "Declined", duplicate: "Duplicate",
};

export function statusBadge(status) {
  return h("span", { class: `badge ${status}` }, STATUS_LABELS[status] || status);
}

export function when(iso) {
  return new Date(iso).toLocaleDateString(undefined, { year: "numeric", month: "short", day: "numeric" });
}

/** Announce to screen readers and show briefly. */
export function announce(region, message, kind = "notice") {
  region.replaceChildren(h("div", { class: kind, role: kind === "alert" ? "alert" : "status" }, message));
}

/** "1 vote", "3 votes": a count with its noun. */
export function plural(count, one, many = `${one}s`) {
  return `${count} ${count === 1 ? one : many}`;
}

/** "3 days ago", in the reader's language; the exact date stays in the title. */
export function ago(iso, now = Date.now()) {
  const seconds = Math.round((new Date(iso).getTime() - now) / 1000);
  const units = [["year", 31536000], ["month", 2592000], ["week", 604800], ["day", 86400],
                 ["hour", 3600], ["minute", 60]];
  const format = new Intl.RelativeTimeFormat(undefined, { numeric: "auto" });
  for (const [unit, size] of units) {
    if (Math.abs(seconds) >= size) return format.format(Math.round(seconds / size), unit);
  }
  return format.format(0, "minute");
}
