// The console's workflow tab: the app's statuses (add, rename, recolour, reorder, remove)
// and its boards (create, rename, visibility, delete).
import { announce, h, statusBadge, useStatuses } from "../js/ui.js";

const KINDS = { open: "Open", active: "Active", done: "Done", closed: "Closed" };
const VISIBILITY = { public: "Public: anyone", signed_in: "Signed-in users", private: "Private: the team only" };

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
      ok(replaceWith ? "Saved: the requests of the removed statuses moved." : "Statuses saved.");
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
  const list = h("ol", { class: "list", id: "status-list", "aria-label": "Statuses, in display order" });
  const render = () => list.replaceChildren(...rows.map((s, i) => {
    const name = h("input", { value: s.name, "aria-label": `Name of ${s.id}`, maxlength: 40,
                              oninput: (e) => { s.name = e.target.value; } });
    const color = h("input", { type: "color", value: s.color, "aria-label": `Colour of ${s.id}`, class: "swatch",
                               oninput: (e) => { s.color = e.target.value; } });
    const kind = h("select", { "aria-label": `Kind of ${s.id}`, disabled: s.id === "duplicate",
                               onchange: (e) => { s.kind = e.target.value; } },
      ...Object.entries(KINDS).map(([v, l]) => h("option", { value: v, selected: s.kind === v }, l)));
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
        h("label", { class: "row", for: `roadmap-${s.id}` }, roadmap, "On the roadmap")),
      h("div", { class: "row" },
        h("button", { type: "button", class: "up small", "aria-label": `Move ${s.name} up`, disabled: i === 0, onclick: move(-1) }, "↑"),
        h("button", { type: "button", class: "down small", "aria-label": `Move ${s.name} down`, disabled: i === rows.length - 1, onclick: move(1) }, "↓"),
        s.id === "duplicate" ? h("span", { class: "muted" }, "Reserved")
          : h("button", { type: "button", class: "danger small", "aria-label": `Remove ${s.name}`, onclick: () => {
            rows = rows.filter((r) => r !== s);
            render();
          } }, "Remove")));
  }));
  render();
  const newId = h("input", { id: "status-new-id", pattern: "[a-z0-9_]{2,32}", placeholder: "needs_info" });
  const newName = h("input", { id: "status-new-name", placeholder: "Needs info" });
  const newKind = h("select", { id: "status-new-kind" }, ...Object.entries(KINDS).map(([v, l]) => h("option", { value: v }, l)));
  return h("section", { class: "stack", "aria-labelledby": "statuses-title" },
    h("h3", { id: "statuses-title" }, "Statuses"),
    h("p", { class: "muted" }, "Requests keep a status's id: renaming or recolouring rewrites nothing. Kinds: new requests start in the first Open status, Active ones are being worked on, shipped ones go to the first Done status, Closed ones are not going to happen."),
    list,
    h("form", { class: "card grid-add", id: "status-add", onsubmit: (e) => {
      e.preventDefault();
      const id = newId.value.trim();
      if (!/^[a-z0-9_]{2,32}$/.test(id) || rows.some((r) => r.id === id)) {
        announce(document.getElementById("messages"), "A new status needs a unique id: 2 to 32 of a-z, 0-9 and _.", "alert");
        return;
      }
      rows.splice(rows.length - 1, 0, { id, name: newName.value.trim() || id, color: "#6b7280", kind: newKind.value,
                                         roadmap: newKind.value === "active" || newKind.value === "done" });
      newId.value = newName.value = "";
      render();
    } }, h("div", {}, h("label", { for: "status-new-id" }, "Id"), newId),
      h("div", {}, h("label", { for: "status-new-name" }, "Name"), newName),
      h("div", {}, h("label", { for: "status-new-kind" }, "Kind"), newKind),
      h("button", { type: "submit" }, "Add status")),
    h("div", { class: "row" }, h("button", { type: "button", class: "primary", id: "save-statuses", onclick: async () => {
      if (await saveStatuses(ctx, rows.map(({ id, name, color, kind, roadmap }) => ({ id, name, color, kind, roadmap })))) {
        rows = current(state).statuses.map((s) => ({ ...s }));
        render();
      }
    } }, "Save statuses")));
}

/** Ask where the requests of the removed statuses go. */
function replacementPicker(statuses) {
  return new Promise((resolve) => {
    const select = h("select", { id: "replace-with", "aria-label": "Move them to" },
      ...statuses.filter((s) => s.id !== "duplicate").map((s) => h("option", { value: s.id }, s.name)));
    const box = h("dialog", { "aria-labelledby": "replace-title" });
    const close = (value) => { box.close(); box.remove(); resolve(value); };
    box.append(h("form", { method: "dialog", class: "stack", onsubmit: (e) => { e.preventDefault(); close(select.value); } },
      h("h2", { id: "replace-title", style: "margin:0;font-size:1.1rem" }, "Requests still have a status you removed"),
      h("p", {}, "Move them to:"), select,
      h("div", { class: "row" }, h("button", { class: "primary", type: "submit" }, "Move and save"),
        h("button", { type: "button", onclick: () => close(null) }, "Cancel"))));
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
    const name = h("input", { value: b.name, "aria-label": `Name of board ${b.id}`, maxlength: 80 });
    const description = h("input", { value: b.description, "aria-label": `Description of board ${b.id}`, maxlength: 500 });
    const visibility = h("select", { "aria-label": `Visibility of board ${b.id}` },
      ...Object.entries(VISIBILITY).map(([v, l]) => h("option", { value: v, selected: b.visibility === v }, l)));
    return h("tr", { "data-board": b.id },
      h("td", {}, h("code", {}, b.id)), h("td", {}, name), h("td", { class: "optional" }, description), h("td", {}, visibility),
      h("td", {}, h("div", { class: "row" },
        h("button", { type: "button", onclick: async () => {
          try {
            await state.api.patch(path(b.id), { name: name.value, description: description.value, visibility: visibility.value });
            ok(`Board ${b.id} saved.`);
            await refresh();
          } catch (error) { fail(error); }
        } }, "Save"),
        b.id === "general" ? null : h("button", { type: "button", class: "danger", onclick: async () => {
          if (!confirm(`Delete the board ${b.name}? Only an empty board can go.`)) return;
          try { await state.api.del(path(b.id)); ok(`Board ${b.id} deleted.`); await refresh(); } catch (error) { fail(error); }
        } }, "Delete"))));
  };
  const id = h("input", { id: "board-new-id", required: true, pattern: "[a-z0-9-]{2,32}", placeholder: "mobile" });
  const name = h("input", { id: "board-new-name", required: true, placeholder: "Mobile app" });
  const visibility = h("select", { id: "board-new-visibility" },
    ...Object.entries(VISIBILITY).map(([v, l]) => h("option", { value: v }, l)));
  return h("section", { class: "stack", "aria-labelledby": "boards-title" },
    h("h3", { id: "boards-title" }, "Boards"),
    h("p", { class: "muted" }, "Each request is on one board. Visitors see only the boards they may: a private board's requests are invisible outside the team."),
    h("table", { id: "board-table" }, h("thead", {}, h("tr", {}, h("th", {}, "Id"), h("th", {}, "Name"),
      h("th", { class: "optional" }, "Description"), h("th", {}, "Visibility"), h("th", {}, "Actions"))),
      h("tbody", {}, ...current(state).boards.map(row))),
    h("form", { class: "card grid-add", id: "board-add", onsubmit: async (e) => {
      e.preventDefault();
      try {
        await state.api.post(path(), { id: id.value.trim(), name: name.value.trim(), visibility: visibility.value });
        ok(`Board ${id.value.trim()} created.`);
        await refresh();
      } catch (error) { fail(error); }
    } }, h("div", {}, h("label", { for: "board-new-id" }, "Id (a-z, 0-9, -)"), id),
      h("div", {}, h("label", { for: "board-new-name" }, "Name"), name),
      h("div", {}, h("label", { for: "board-new-visibility" }, "Visibility"), visibility),
      h("button", { type: "submit", class: "primary" }, "Create board")));
}

export async function showWorkflow({ state, view, appPicker, ok, fail }) {
  const rerender = () => showWorkflow({ state, view, appPicker, ok, fail });
  const app = current(state);
  if (!app) return;
  useStatuses(app.statuses);
  const ctx = { state, ok, fail, rerender, pickReplacement: replacementPicker };
  view.replaceChildren(h("h2", {}, "Statuses and boards"), appPicker(rerender), statusEditor(ctx), boardManager(ctx));
}
