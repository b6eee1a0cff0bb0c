// Comments as the board and the console show them: reactions, "edited", internal notes, and
// editing in place. User text only ever goes in as text nodes.
import { ago, h, when } from "./ui.js";
import { t } from "./i18n.js";

export const REACTIONS = { "+1": ["👍", () => t("reaction.thumbs_up")], heart: ["❤️", () => t("reaction.heart")],
                           tada: ["🎉", () => t("reaction.hooray")], laugh: ["😄", () => t("reaction.laugh")],
                           eyes: ["👀", () => t("reaction.eyes")] };
export const EDIT_WINDOW_MS = 15 * 60 * 1000;  // an author may edit this long after posting

/** The API paths of one comment (``+1`` percent-encoded, as a path part should be). */
export function commentPaths(api, app, requestId, commentId) {
  const base = `/apps/${app}/requests/${requestId}/comments/${commentId}`;
  return {
    edit: (body) => api.patch(base, { body }),
    remove: () => api.del(base),
    react: (name, on) => (on ? api.put : api.del)(`${base}/reactions/${encodeURIComponent(name)}`),
  };
}

/** Toggle buttons, one per reaction: aria-pressed says whether it is the reader's own. */
function reactionBar(comment, react, onError) {
  const bar = h("div", { class: "reactions", role: "group", "aria-label": t("comment.reactions") });
  const render = (c) => bar.replaceChildren(...Object.entries(REACTIONS).map(([name, [emoji, named]]) => {
    const label = named();
    const count = c.reactions?.[name] || 0;
    const pressed = (c.reacted || []).includes(name);
    return h("button", {
      type: "button", class: "reaction", "data-reaction": name, "aria-pressed": String(pressed),
      disabled: !react, title: label,
      "aria-label": t(pressed ? "comment.reaction_yours" : "comment.reaction", { label, count }),
      onclick: async () => {
        const on = !pressed;
        const optimistic = { ...c, reactions: { ...c.reactions, [name]: count + (on ? 1 : -1) },
                             reacted: on ? [...(c.reacted || []), name] : c.reacted.filter((r) => r !== name) };
        render(optimistic);
        try { render(await react(name, on)); } catch (error) { render(c); onError(error); }
      },
    }, h("span", { "aria-hidden": "true" }, emoji), count ? h("span", { class: "count" }, String(count)) : null);
  }));
  render(comment);
  return bar;
}

/**
 * One comment as a list item. ``actions``: ``paths`` (from commentPaths), ``canReact``,
 * ``canEdit(comment)``, ``canDelete``, ``onError(error)``, ``onDeleted()``, ``announce(text)``.
 */
export function commentItem(comment, actions) {
  const li = h("li", { class: `card comment${comment.internal ? " internal" : ""}`, "data-id": comment.id });
  const render = (c) => {
    const meta = h("div", { class: "meta" }, h("strong", {}, c.author?.name || t("common.anonymous")),
      h("time", { datetime: c.createdAt, title: when(c.createdAt) }, ago(c.createdAt)),
      c.edited ? h("span", { class: "edited", title: c.editedAt ? t("comment.edited_on", { date: when(c.editedAt) }) : t("comment.edited_title") }, t("comment.edited")) : null,
      c.internal ? h("span", { class: "badge internal" }, t("comment.internal_badge")) : null,
      c.moderation === "pending" ? h("span", { class: "badge pending" }, t("comment.awaiting")) : null);
    const text = h("p", { class: "text", style: "margin:4px 0 0", dir: "auto" }, c.body);
    const buttons = h("div", { class: "row comment-actions" },
      actions.canEdit?.(c) && h("button", { type: "button", class: "small", onclick: () => editing(c) }, t("common.edit")),
      actions.canDelete && h("button", { type: "button", class: "small danger", onclick: async () => {
        if (!confirm(t("comment.delete_confirm"))) return;
        try { await actions.paths.remove(); li.remove(); actions.announce(t("comment.deleted")); } catch (error) { actions.onError(error); }
      } }, t("common.delete")));
    const held = c.moderation === "pending";  // nobody but its author sees it: no reactions yet
    li.replaceChildren(meta, text,
      ...(held ? [] : [reactionBar(c, actions.canReact ? actions.paths.react : null, actions.onError)]));
    if (buttons.childElementCount) li.append(buttons);
  };
  const editing = (c) => {
    const id = `edit-${c.id}`;
    const area = h("textarea", { id, required: true, maxlength: 5000 }, c.body);
    const form = h("form", { class: "stack", onsubmit: async (event) => {
      event.preventDefault();
      try { render(await actions.paths.edit(area.value)); actions.announce(t("comment.saved")); } catch (error) {
        actions.onError(error);
      }
    } }, h("label", { for: id }, t("comment.edit_label")), area,
      h("div", { class: "row" }, h("button", { type: "submit", class: "primary" }, t("common.save")),
        h("button", { type: "button", onclick: () => render(c) }, t("common.cancel"))));
    li.replaceChildren(form);
    area.focus();
  };
  render(comment);
  return li;
}
