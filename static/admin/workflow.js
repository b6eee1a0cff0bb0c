// The console's workflow tab: the app's statuses (add, rename, recolour, reorder, remove)
// and its boards (create, rename, visibility, delete).
import { announce, h, statusBadge, statusName, useStatuses } from "../js/ui.js";
import { t } from "../js/i18n.js";

const KINDS = { open: () => t("wf.kind_open"), active: () => t("wf.kind_active"), done: () => t("wf.kind_done"),
                closed: () => t("wf.kind_closed") };
const VISIBILITY = { public: () => t("wf.public"), signed_in: () => t("wf.signed_in"), private: () => t("wf.private") };

/** The current app (from the console's list), refreshed after each save. */
function current(state) {
  return state.apps.find((a) => a.id === state.app);
}

function remember(state, app) {
  state.apps = state.apps.map((a) => (a.id === app.id ? app : a));
  useStatuses(app.statuses);
}

/** Save the statuses; a removed status still in use asks where its requests go, and a call
 * that moved only part of them is made again until it is done. */
async function saveStatuses({ state, ok, fail, pickReplacement }, statuses) {
  const path = `/apps/${state.app}`;
  let replaceWith = null;
  for (let round = 0; round < 1000; round += 1) {
    try {
      remember(state, await state.api.patch(path, replaceWith ? { statuses, replaceWith } : { statuses }));
      ok(replaceWith ? t("wf.saved_moved") : t("wf.saved"));
      return true;
    } catch (error) {
      if (error.status !== 409) { fail(error); return false; }
      if (replaceWith && /again/.test(error.message || "")) continue;  // more to move: carry on
      replaceWith = await pickReplacement(statuses);
      if (!replaceWith) { fail(error); return false; }
    }
  }
  return false;
}

function statusEditor(ctx) {
  const { state } = ctx;
  let rows = current(state).statuses.map((s) => ({ ...s }));
  const list = h("ol", { class: "list", id: "status-list", "aria-label": t("wf.status_list") });
  const render = () => list.replaceChildren(...rows.map((s, i) => {
    const name = h("input", { value: s.name, "aria-label": t("wf.name_of", { id: s.id }), maxlength: 40,
                              oninput: (e) => { s.name = e.target.value; } });
    const color = h("input", { type: "color", value: s.color, "aria-label": t("wf.colour_of", { id: s.id }), class: "swatch",
                               oninput: (e) => { s.color = e.target.value; } });
    const kind = h("select", { "aria-label": t("wf.kind_of", { id: s.id }), disabled: s.id === "duplicate",
                               onchange: (e) => { s.kind = e.target.value; } },
      ...Object.entries(KINDS).map(([v, l]) => h("option", { value: v, selected: s.kind === v }, l())));
    const roadmap = h("input", { type: "checkbox", checked: s.roadmap, id: `roadmap-${s.id}`,
                                 onchange: (e) => { s.roadmap = e.target.checked; } });
    const move = (by) => () => {
      const j = i + by;
      if (j < 0 || j >= rows.length) return;
      [rows[i], rows[j]] = [rows[j], rows[i]];
      render();
      list.querySelectorAll("li")[j]?.querySelector(by < 0 ? ".up" : ".down")?.focus();
    };
    return h("li", { class: "card status-row", "data-status": s.id },
      h("div", { class: "status-id" }, statusBadge(s.id), h("code", {}, s.id)),
      h("div", { class: "grid-status" }, name, color, kind,
        h("label", { class: "row", for: `roadmap-${s.id}` }, roadmap, t("wf.on_roadmap"))),
      h("div", { class: "row" },
        h("button", { type: "button", class: "up small", "aria-label": t("wf.move_up", { name: statusName(s) }), disabled: i === 0, onclick: move(-1) }, "↑"),
        h("button", { type: "button", class: "down small", "aria-label": t("wf.move_down", { name: statusName(s) }), disabled: i === rows.length - 1, onclick: move(1) }, "↓"),
        s.id === "duplicate" ? h("span", { class: "muted" }, t("wf.reserved"))
          : h("button", { type: "button", class: "danger small", "aria-label": t("wf.remove", { name: statusName(s) }), onclick: () => {
            rows = rows.filter((r) => r !== s);
            render();
          } }, t("console.remove"))));
  }));
  render();
  const newId = h("input", { id: "status-new-id", pattern: "[a-z0-9_]{2,32}", placeholder: "needs_info" });
  const newName = h("input", { id: "status-new-name", placeholder: t("wf.example_status") });
  const newKind = h("select", { id: "status-new-kind" }, ...Object.entries(KINDS).map(([v, l]) => h("option", { value: v }, l())));
  return h("section", { class: "stack", "aria-labelledby": "statuses-title" },
    h("h3", { id: "statuses-title" }, t("wf.statuses")),
    h("p", { class: "muted" }, t("wf.statuses_hint")),
    list,
    h("form", { class: "card grid-add", id: "status-add", onsubmit: (e) => {
      e.preventDefault();
      const id = newId.value.trim();
      if (!/^[a-z0-9_]{2,32}$/.test(id) || rows.some((r) => r.id === id)) {
        announce(document.getElementById("messages"), t("wf.unique_id"), "alert");
        return;
      }
      rows.splice(rows.length - 1, 0, { id, name: newName.value.trim() || id, color: "#6b7280", kind: newKind.value,
                                         roadmap: newKind.value === "active" || newKind.value === "done" });
      newId.value = newName.value = "";
      render();
    } }, h("div", {}, h("label", { for: "status-new-id" }, t("wf.id")), newId),
      h("div", {}, h("label", { for: "status-new-name" }, t("console.name")), newName),
      h("div", {}, h("label", { for: "status-new-kind" }, t("wf.kind")), newKind),
      h("button", { type: "submit" }, t("wf.add_status"))),
    h("div", { class: "row" }, h("button", { type: "button", class: "primary", id: "save-statuses", onclick: async () => {
      if (await saveStatuses(ctx, rows.map(({ id, name, color, kind, roadmap }) => ({ id, name, color, kind, roadmap })))) {
        rows = current(state).statuses.map((s) => ({ ...s }));
        render();
      }
    } }, t("wf.save_statuses"))));
}

/** Ask where the requests of the removed statuses go. */
function replacementPicker(statuses) {
  return new Promise((resolve) => {
    const select = h("select", { id: "replace-with", "aria-label": t("wf.move_to") },
      ...statuses.filter((s) => s.id !== "duplicate").map((s) => h("option", { value: s.id }, statusName(s))));
    const box = h("dialog", { "aria-labelledby": "replace-title" });
    const close = (value) => { box.close(); box.remove(); resolve(value); };
    box.append(h("form", { method: "dialog", class: "stack", onsubmit: (e) => { e.preventDefault(); close(select.value); } },
      h("h2", { id: "replace-title", style: "margin:0;font-size:1.1rem" }, t("wf.still_used")),
      h("p", {}, t("wf.move_to")), select,
      h("div", { class: "row" }, h("button", { class: "primary", type: "submit" }, t("wf.move_save")),
        h("button", { type: "button", onclick: () => close(null) }, t("common.cancel")))));
    document.body.append(box);
    box.showModal();
    select.focus();
  });
}

function boardManager({ state, ok, fail, rerender }) {
  const path = (id = "") => `/apps/${state.app}/boards${id ? `/${id}` : ""}`;
  const refresh = async () => {
    remember(state, await state.api.get(`/apps/${state.app}`));
    rerender();
  };
  const row = (b) => {
    const name = h("input", { value: b.name, "aria-label": t("wf.board_name_of", { id: b.id }), maxlength: 80 });
    const description = h("input", { value: b.description, "aria-label": t("wf.board_description_of", { id: b.id }), maxlength: 500 });
    const visibility = h("select", { "aria-label": t("wf.board_visibility_of", { id: b.id }) },
      ...Object.entries(VISIBILITY).map(([v, l]) => h("option", { value: v, selected: b.visibility === v }, l())));
    return h("tr", { "data-board": b.id },
      h("td", {}, h("code", {}, b.id)), h("td", {}, name), h("td", { class: "optional" }, description), h("td", {}, visibility),
      h("td", {}, h("div", { class: "row" },
        h("button", { type: "button", onclick: async () => {
          try {
            await state.api.patch(path(b.id), { name: name.value, description: description.value, visibility: visibility.value });
            ok(t("wf.board_saved", { id: b.id }));
            await refresh();
          } catch (error) { fail(error); }
        } }, t("common.save")),
        b.id === "general" ? null : h("button", { type: "button", class: "danger", onclick: async () => {
          if (!confirm(t("wf.board_delete_confirm", { name: b.name }))) return;
          try { await state.api.del(path(b.id)); ok(t("wf.board_deleted", { id: b.id })); await refresh(); } catch (error) { fail(error); }
        } }, t("common.delete")))));
  };
  const id = h("input", { id: "board-new-id", required: true, pattern: "[a-z0-9-]{2,32}", placeholder: "mobile" });
  const name = h("input", { id: "board-new-name", required: true, placeholder: t("wf.example_board") });
  const visibility = h("select", { id: "board-new-visibility" },
    ...Object.entries(VISIBILITY).map(([v, l]) => h("option", { value: v }, l())));
  return h("section", { class: "stack", "aria-labelledby": "boards-title" },
    h("h3", { id: "boards-title" }, t("board.boards")),
    h("p", { class: "muted" }, t("wf.boards_hint")),
    h("table", { id: "board-table" }, h("thead", {}, h("tr", {}, h("th", {}, t("wf.id")), h("th", {}, t("console.name")),
      h("th", { class: "optional" }, t("wf.description")), h("th", {}, t("wf.visibility")), h("th", {}, t("console.actions")))),
      h("tbody", {}, ...current(state).boards.map(row))),
    h("form", { class: "card grid-add", id: "board-add", onsubmit: async (e) => {
      e.preventDefault();
      try {
        await state.api.post(path(), { id: id.value.trim(), name: name.value.trim(), visibility: visibility.value });
        ok(t("wf.board_created", { id: id.value.trim() }));
        await refresh();
      } catch (error) { fail(error); }
    } }, h("div", {}, h("label", { for: "board-new-id" }, t("console.app_id")), id),
      h("div", {}, h("label", { for: "board-new-name" }, t("console.name")), name),
      h("div", {}, h("label", { for: "board-new-visibility" }, t("wf.visibility")), visibility),
      h("button", { type: "submit", class: "primary" }, t("wf.create_board"))));
}

export async function showWorkflow({ state, view, appPicker, ok, fail }) {
  const rerender = () => showWorkflow({ state, view, appPicker, ok, fail });
  const app = current(state);
  if (!app) return;
  useStatuses(app.statuses);
  const ctx = { state, ok, fail, rerender, pickReplacement: replacementPicker };
  view.replaceChildren(h("h2", {}, t("wf.title")), appPicker(rerender), statusEditor(ctx), boardManager(ctx));
}
