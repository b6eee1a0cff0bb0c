// Comments as the board and the console show them: reactions, "edited", internal notes, and
// editing in place. User text only ever goes in as text nodes.
import { ago, h, plural, when } from "./ui.js";

export const REACTIONS = { "+1": ["👍", "Thumbs up"], heart: ["❤️", "Heart"], tada: ["🎉", "Hooray"],
                           laugh: ["😄", "Laugh"], eyes: ["👀", "Eyes"] };
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
  const bar = h("div", { class: "reactions", role: "group", "aria-label": "Reactions" });
  const render = (c) => bar.replaceChildren(...Object.entries(REACTIONS).map(([name, [emoji, label]]) => {
    const count = c.reactions?.[name] || 0;
    const pressed = (c.reacted || []).includes(name);
    return h("button", {
      type: "button", class: "reaction", "data-reaction": name, "aria-pressed": String(pressed),
      disabled: !react, title: label,
      "aria-label": `${label}, ${plural(count, "reaction")}${pressed ? ", including yours" : ""}`,
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
    const meta = h("div", { class: "meta" }, h("strong", {}, c.author?.name || "Anonymous"),
      h("time", { datetime: c.createdAt, title: when(c.createdAt) }, ago(c.createdAt)),
      c.edited ? h("span", { class: "edited", title: c.editedAt ? `Edited ${when(c.editedAt)}` : "Edited" }, "· edited") : null,
      c.internal ? h("span", { class: "badge internal" }, "Internal note · team only") : null,
      c.moderation === "pending" ? h("span", { class: "badge pending" }, "Awaiting approval") : null);
    const text = h("p", { class: "text", style: "margin:4px 0 0" }, c.body);
    const buttons = h("div", { class: "row comment-actions" },
      actions.canEdit?.(c) && h("button", { type: "button", class: "small", onclick: () => editing(c) }, "Edit"),
      actions.canDelete && h("button", { type: "button", class: "small danger", onclick: async () => {
        if (!confirm("Delete this comment? This cannot be undone.")) return;
        try { await actions.paths.remove(); li.remove(); actions.announce("Comment deleted."); } catch (error) { actions.onError(error); }
      } }, "Delete"));
    li.replaceChildren(meta, text, reactionBar(c, actions.canReact ? actions.paths.react : null, actions.onError));
    if (buttons.childElementCount) li.append(buttons);
  };
  const editing = (c) => {
    const id = `edit-${c.id}`;
    const area = h("textarea", { id, required: true, maxlength: 5000 }, c.body);
    const form = h("form", { class: "stack", onsubmit: async (event) => {
      event.preventDefault();
      try { render(await actions.paths.edit(area.value)); actions.announce("Comment saved."); } catch (error) {
        actions.onError(error);
      }
    } }, h("label", { for: id }, "Edit comment"), area,
      h("div", { class: "row" }, h("button", { type: "submit", class: "primary" }, "Save"),
        h("button", { type: "button", onclick: () => render(c) }, "Cancel")));
    li.replaceChildren(form);
    area.focus();
  };
  render(comment);
  return li;
}
