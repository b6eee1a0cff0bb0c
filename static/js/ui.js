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
