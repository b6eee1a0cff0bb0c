// Small DOM helpers. User text only ever goes in as text nodes, never as HTML.
import { language, t } from "./i18n.js";

export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith("on")) el.addEventListener(name.slice(2), value);
    else if (name === "class") el.className = value;
    else el.setAttribute(name, value === true ? "" : value);
  }
  for (const child of present(children)) {
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

/** Children to show: nested lists flattened, and null, undefined and false (an absent
 * optional part) left out. */
function present(children) {
  return children.flat().filter((c) => c !== null && c !== undefined && c !== false);
}

/** Replace ``el``'s children, skipping null, undefined and false as ``h`` does: the DOM's own
 * replaceChildren writes them out as the text "null" or "false". */
export function fill(el, ...children) {
  el.replaceChildren(...present(children));
  return el;
}

/** The app's statuses (GET …/statuses), in display order; today's seven until loaded. */
export const STATUSES = [
  ["open", "Open", "#6b7280", "open"], ["under_review", "Under review", "#b45309", "open"],
  ["planned", "Planned", "#2563eb", "active"], ["in_progress", "In progress", "#7c3aed", "active"],
  ["completed", "Completed", "#15803d", "done"], ["declined", "Declined", "#b91c1c", "closed"],
  ["duplicate", "Duplicate", "#64748b", "closed"],
].map(([id, name, color, kind]) => ({ id, name, color, kind, roadmap: kind === "active" || kind === "done" }));
/** id -> name, kept in step with STATUSES (the order of its keys is the display order). */
export const STATUS_LABELS = {};
// a default status still under its default name is shown in the reader's language
const DEFAULT_NAMES = Object.fromEntries(STATUSES.map((s) => [s.id, s.name]));
const STATUS_TEXT = {
  open: () => t("status.open"), under_review: () => t("status.under_review"),
  planned: () => t("status.planned"), in_progress: () => t("status.in_progress"),
  completed: () => t("status.completed"), declined: () => t("status.declined"),
  duplicate: () => t("status.duplicate"),
};

/** A status's name as the reader should see it: the app's own, or ours translated. */
export function statusName(status) {
  return STATUS_TEXT[status.id] && status.name === DEFAULT_NAMES[status.id] ? STATUS_TEXT[status.id]() : status.name;
}

/** Use these statuses from now on (labels, colours, the roadmap's columns). */
export function useStatuses(list) {
  STATUSES.splice(0, STATUSES.length, ...list);
  for (const key of Object.keys(STATUS_LABELS)) delete STATUS_LABELS[key];
  for (const s of list) STATUS_LABELS[s.id] = statusName(s);
}
useStatuses([...STATUSES]);

/** A status's name with a dot of its colour (the colour is set through the CSSOM: no inline
 * style attribute, so the pages' Content-Security-Policy needs no 'unsafe-inline'). */
export function statusBadge(status) {
  const found = STATUSES.find((s) => s.id === status);
  const dot = h("span", { class: "dot", "aria-hidden": "true" });
  if (found) dot.style.setProperty("--dot", found.color);
  return h("span", { class: `badge ${status}` }, dot, found ? statusName(found) : status);
}

export function when(iso) {
  return new Date(iso).toLocaleDateString(language(), { year: "numeric", month: "short", day: "numeric" });
}

/** Announce to screen readers and show briefly. */
export function announce(region, message, kind = "notice") {
  region.replaceChildren(h("div", { class: kind, role: kind === "alert" ? "alert" : "status" }, message));
}

/** "3 days ago", in the reader's language; the exact date stays in the title. */
export function ago(iso, now = Date.now()) {
  const seconds = Math.round((new Date(iso).getTime() - now) / 1000);
  const units = [["year", 31536000], ["month", 2592000], ["week", 604800], ["day", 86400],
                 ["hour", 3600], ["minute", 60]];
  const format = new Intl.RelativeTimeFormat(language(), { numeric: "auto" });
  for (const [unit, size] of units) {
    if (Math.abs(seconds) >= size) return format.format(Math.round(seconds / size), unit);
  }
  return format.format(0, "minute");
}
