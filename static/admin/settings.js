// The console's Settings: the app's branding (with a live preview of the board and the
// widget in its colours) and its GitHub integration (token and secret are write-only).
import { h } from "../js/ui.js";
import { t } from "../js/i18n.js";
import { applyAccent, brandHeader, contrast, DARK_PAGE, LIGHT_PAGE, readableOn, textOn } from "../js/brand.js";

const HEX = /^#[0-9a-f]{6}$/i;
const DEFAULT_ACCENT = "#2f4fd1";
// fr_admin_<tenant>_<secret> names its tenant; a member's session does not
const tenantOf = (key) => ((key || "").startsWith("fr_admin_") ? key.split("_")[2] : "<tenant>");

function field(id, label, input, hint) {
  return h("div", {}, h("label", { for: id }, label), input, hint && h("p", { class: "muted hint", id: `${id}-hint` }, hint));
}

/** The board's header and a primary button, a link and the widget's launcher, as they will look. */
function preview() {
  const heading = h("strong", { class: "preview-title" });
  const box = h("div", { class: "brand-preview card stack", id: "brand-preview", "aria-label": t("cl.preview") },
    h("div", { class: "row preview-head" }, heading),
    h("div", { class: "row" },
      h("span", { class: "button primary", id: "preview-button" }, t("board.suggest")),
      h("a", { href: "#/settings", id: "preview-link", onclick: (e) => e.preventDefault() }, t("settings.a_link")),
      h("span", { class: "preview-launcher", id: "preview-launcher" }, t("widget.feedback"))),
    h("p", { class: "muted", id: "preview-contrast", "aria-live": "polite", style: "margin:0" }));
  const show = ({ name, logoUrl, accentColor }, fallbackName) => {
    brandHeader(heading, { name, logoUrl: logoUrl.startsWith("https://") ? logoUrl : "" }, fallbackName);
    const accent = HEX.test(accentColor) ? accentColor.toLowerCase() : DEFAULT_ACCENT;
    applyAccent(box, accent);
    const ratio = (a, b) => contrast(a, b).toFixed(1);
    box.querySelector("#preview-contrast").textContent =
      t(textOn(accent) === "#000000" ? "settings.contrast_black" : "settings.contrast_white", { ratio: ratio(textOn(accent), accent),
        light: ratio(readableOn(accent, LIGHT_PAGE), LIGHT_PAGE), dark: ratio(readableOn(accent, DARK_PAGE), DARK_PAGE) });
  };
  return { box, show };
}

function brandingForm({ state, app, ok, fail, onSaved }) {
  const current = app.branding || {};
  const name = h("input", { id: "brand-name", maxlength: 80, value: current.name || "", placeholder: app.name });
  const logo = h("input", { id: "brand-logo", type: "url", maxlength: 2048, value: current.logoUrl || "", placeholder: "https://…/logo.svg",
                            "aria-describedby": "brand-logo-hint" });
  const hex = h("input", { id: "brand-accent", maxlength: 7, value: current.accentColor || "", placeholder: DEFAULT_ACCENT,
                           pattern: "#[0-9a-fA-F]{6}", "aria-describedby": "brand-accent-hint" });
  const picker = h("input", { id: "brand-accent-picker", type: "color", value: current.accentColor || DEFAULT_ACCENT,
                              "aria-label": t("settings.pick_accent"), class: "swatch" });
  const { box, show } = preview();
  const values = () => ({ name: name.value.trim(), logoUrl: logo.value.trim(), accentColor: hex.value.trim() });
  const update = () => show(values(), app.name);
  picker.addEventListener("input", () => { hex.value = picker.value; update(); });
  hex.addEventListener("input", () => { if (HEX.test(hex.value.trim())) picker.value = hex.value.trim().toLowerCase(); update(); });
  name.addEventListener("input", update);
  logo.addEventListener("input", update);
  update();
  return h("form", { class: "card stack", id: "branding-form", onsubmit: async (e) => {
    e.preventDefault();
    const { name: n, logoUrl, accentColor } = values();
    try {
      const saved = await state.api.patch(`/apps/${app.id}`, {
        branding: { name: n || null, logoUrl: logoUrl || null, accentColor: accentColor || null } });
      onSaved(saved);
      ok(t("settings.branding_saved"));
    } catch (error) { fail(error); }
  } }, h("h3", { style: "margin:0" }, t("settings.branding")),
    h("p", { class: "muted", style: "margin:0" }, t("settings.branding_hint")),
    h("div", { class: "grid2" },
      field("brand-name", t("console.name"), name),
      field("brand-logo", t("settings.logo"), logo, t("settings.logo_hint"))),
    h("div", {}, h("label", { for: "brand-accent" }, t("settings.accent")),
      h("div", { class: "row accent-row" }, picker, hex),
      h("p", { class: "muted hint", id: "brand-accent-hint" }, t("settings.accent_hint"))),
    box,
    h("div", { class: "row" }, h("button", { class: "primary", type: "submit" }, t("settings.save_branding"))));
}

function githubForm({ state, app, ok, fail, onSaved }) {
  const configured = Boolean(app.integrations?.github?.configured);
  const token = h("input", { id: "gh-token", type: "password", autocomplete: "off", maxlength: 255, required: true,
                             placeholder: configured ? t("settings.set_replace") : "" });
  const secret = h("input", { id: "gh-secret", type: "password", autocomplete: "off", minlength: 16, maxlength: 256, required: true,
                              placeholder: configured ? t("settings.set_replace") : "", "aria-describedby": "gh-secret-hint" });
  const save = async (github) => {
    try {
      const saved = await state.api.patch(`/apps/${app.id}`, { integrations: { github } });
      onSaved(saved);
      ok(github ? t("settings.gh_connected") : t("settings.gh_disconnected"));
    } catch (error) { fail(error); }
  };
  return h("form", { class: "card stack", id: "github-form", onsubmit: (e) => {
    e.preventDefault();
    save({ token: token.value, webhookSecret: secret.value });
  } }, h("h3", { style: "margin:0" }, "GitHub"),
    h("p", { id: "gh-status", style: "margin:0" }, configured
      ? h("span", {}, h("span", { class: "badge completed" }, t("settings.set")), " ", t("settings.gh_set_hint"))
      : h("span", {}, h("span", { class: "badge" }, t("settings.not_set")), " ", t("settings.gh_unset_hint"))),
    h("div", { class: "grid2" },
      field("gh-token", t("settings.token"), token),
      field("gh-secret", t("settings.secret"), secret, t("settings.secret_hint"))),
    h("p", { class: "muted", style: "margin:0" }, t("settings.hook_url"), " ",
      h("code", { id: "gh-hook-url", class: "breakable", dir: "ltr" }, `${state.config.api}/integrations/github/webhook?app=${tenantOf(sessionStorage.getItem("fb-admin-key"))}/${app.id}`)),
    h("div", { class: "row" }, h("button", { class: "primary", type: "submit" }, configured ? t("settings.replace") : t("settings.connect")),
      configured && h("button", { type: "button", class: "danger", onclick: () => save(null) }, t("settings.disconnect"))));
}

export async function showSettings({ state, view, appPicker, ok, fail }) {
  const body = h("div", { class: "stack" });
  const load = async () => {
    try {
      const app = await state.api.get(`/apps/${state.app}`);
      const onSaved = (saved) => {
        const kept = state.apps.findIndex((a) => a.id === saved.id);
        if (kept >= 0) state.apps[kept] = saved;
        load();
      };
      body.replaceChildren(brandingForm({ state, app, ok, fail, onSaved }), githubForm({ state, app, ok, fail, onSaved }));
    } catch (error) { fail(error); }
  };
  view.replaceChildren(h("h2", {}, t("console.tab_settings")), appPicker(load), body);
  await load();
}
