// The team in the console: sign-in by emailed link, roles, the team page.
// The session token lives in this tab's sessionStorage only, never in a URL: the emailed
// link carries its one-time token after "#", which no server sees, and it is wiped from the
// address bar before it is traded for a session.
import { client } from "../js/api.js";
import { announce, fill, h, when } from "../js/ui.js";
import { t } from "../js/i18n.js";

export const ROLES = ["viewer", "moderator", "admin", "owner"];
const ROLE_NAMES = { viewer: () => t("role.viewer"), moderator: () => t("role.moderator"),
                     admin: () => t("role.admin"), owner: () => t("role.owner") };

/** A role's name in the reader's language. */
export function roleName(role) {
  return ROLE_NAMES[role]?.() || role;
}

/** Whether ``role`` is ``least`` or above. */
export function atLeast(role, least) {
  return ROLES.indexOf(role) >= ROLES.indexOf(least);
}

/** The one-time token of an emailed link (#signin=…), taken out of the address bar. */
export function takeLinkToken() {
  const token = new URLSearchParams(location.hash.slice(1)).get("signin");
  if (token) history.replaceState(null, "", location.pathname + location.search);
  return token;
}

/** Trade a one-time token for a session token. */
export async function verify(config, token) {
  const answer = await client({ api: config.api, key: "" }).post("/session/verify", { token: token.trim() });
  return answer.sessionToken;
}

const b64url = (bytes) => btoa(String.fromCharCode(...new Uint8Array(bytes))).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");

/** Off to the team's identity provider (OIDC code + PKCE): the verifier stays in this tab. */
async function toProvider(config, tenant) {
  const verifier = b64url(crypto.getRandomValues(new Uint8Array(48)));
  const challenge = b64url(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier)));
  const redirectUri = location.origin + location.pathname;
  const { authorizationUrl } = await client({ api: config.api, key: "" })
    .post("/session/oidc/start", { tenant, redirectUri, codeChallenge: challenge });
  sessionStorage.setItem("fb-oidc-verifier", verifier);
  location.assign(authorizationUrl);
}

/** Back from the identity provider (?code=…&state=…): the code goes, once, for a session. */
export async function finishProvider(config) {
  const params = new URLSearchParams(location.search);
  const verifier = sessionStorage.getItem("fb-oidc-verifier");
  if (!params.get("code") || !params.get("state")) return null;
  history.replaceState(null, "", location.pathname + location.hash);
  sessionStorage.removeItem("fb-oidc-verifier");
  const answer = await client({ api: config.api, key: "" }).post("/session/oidc/finish",
    { state: params.get("state"), code: params.get("code"), codeVerifier: verifier || "" });
  return answer.sessionToken;
}

/** The sign-in page: email link (people), a pasted code, or an admin key (the operator). */
export function signInPage({ config, messages, tryKey, fail }) {
  const tenant = h("input", { id: "signin-tenant", required: true, pattern: "[a-z0-9-]{2,40}", autocomplete: "organization",
                              value: localStorage.getItem("fb-tenant") || "" });
  const email = h("input", { id: "signin-email", type: "email", required: true, autocomplete: "email" });
  const code = h("input", { id: "signin-code", required: true, autocomplete: "off", placeholder: "fr_signin_…" });
  const key = h("input", { id: "admin-key", type: "password", required: true, autocomplete: "off", placeholder: "fr_admin_…" });
  const byEmail = h("form", { class: "card stack", id: "signin-email-form", style: "order:-1", onsubmit: async (e) => {
    e.preventDefault();
    try {
      await client({ api: config.api, key: "" }).post("/session/start", { tenant: tenant.value.trim(), email: email.value.trim() });
      localStorage.setItem("fb-tenant", tenant.value.trim());  // the workspace name, not a secret
      announce(messages, t("team.link_sent"));
    } catch (error) { fail(error); }
  } }, h("h2", { style: "margin:0" }, t("team.by_email")),
    h("div", {}, h("label", { for: "signin-tenant" }, t("team.workspace")), tenant),
    h("div", {}, h("label", { for: "signin-email" }, t("team.email")), email),
    h("button", { class: "primary", type: "submit" }, t("team.email_me")),
    h("button", { type: "button", id: "signin-provider", onclick: async () => {
      if (!tenant.reportValidity()) return;
      localStorage.setItem("fb-tenant", tenant.value.trim());
      try { await toProvider(config, tenant.value.trim()); } catch (error) { fail(error); }
    } }, t("team.provider")));
  const byCode = h("form", { class: "card stack", id: "signin-code-form", style: "order:-1", onsubmit: async (e) => {
    e.preventDefault();
    try { await tryKey(await verify(config, code.value)); } catch (error) { fail(error); }
  } }, h("label", { for: "signin-code" }, t("team.paste_code")), code,
    h("button", { type: "submit" }, t("team.with_code")));
  const byKey = h("form", { class: "card stack", id: "admin-key-form", onsubmit: (e) => {
    e.preventDefault();
    tryKey(key.value.trim());
  } }, h("h2", { style: "margin:0;font-size:1rem" }, t("team.operator")),
    h("p", { class: "muted", style: "margin:0" }, t("team.tab_only")),
    h("div", {}, h("label", { for: "admin-key" }, t("team.admin_key")), key),
    h("button", { type: "submit" }, t("team.sign_in")));
  return h("div", { class: "stack", style: "display:flex;flex-direction:column;max-width:480px" }, byKey, byEmail, byCode);
}

/** The team page: everyone sees who is on it; an admin invites; an owner changes roles. */
export async function showTeam({ state, view, ok, fail }) {
  const body = h("tbody");
  const role = state.role;
  const load = async () => {
    try {
      const members = (await state.api.get("/members")).items;
      body.replaceChildren(...members.map(row));
      if (!members.length) body.append(h("tr", {}, h("td", { colspan: 4, class: "empty" }, t("team.nobody"))));
    } catch (error) { fail(error); }
  };
  const act = async (work, message) => {
    try { await work(); ok(message); } catch (error) { fail(error); }
    await load();
  };
  const row = (m) => h("tr", { "data-email": m.email },
    h("td", {}, h("strong", {}, m.email), h("div", { class: "muted" }, m.status === "invited" ? t("team.invited") : t("team.last_signed_in", { date: when(m.lastSignInAt) }))),
    h("td", {}, atLeast(role, "owner")
      ? h("select", { "aria-label": t("team.role_of", { email: m.email }), onchange: (e) => act(() => state.api.patch(`/members/${m.id}`, { role: e.target.value }), t("team.role_changed")) },
          ...ROLES.map((r) => h("option", { value: r, selected: r === m.role }, roleName(r))))
      : roleName(m.role)),
    h("td", { class: "optional" }, m.invitedBy || ""),
    h("td", {}, atLeast(role, "owner") && m.id !== state.member?.id
      ? h("button", { type: "button", class: "danger", onclick: () => {
          if (confirm(t("team.remove_confirm", { email: m.email }))) act(() => state.api.del(`/members/${m.id}`), t("team.removed"));
        } }, t("console.remove"))
      : null));
  const email = h("input", { id: "invite-email", type: "email", required: true });
  const pick = h("select", { id: "invite-role" },
    ...ROLES.filter((r) => r !== "owner" || atLeast(role, "owner")).map((r) => h("option", { value: r }, roleName(r))));
  fill(view, h("h2", {}, t("console.tab_team")),
    h("table", {}, h("thead", {}, h("tr", {}, h("th", {}, t("team.member")), h("th", {}, t("team.role")), h("th", { class: "optional" }, t("team.invited_by")),
      h("th", {}, h("span", { class: "sr-only" }, t("console.actions"))))), body),
    atLeast(role, "admin") ? h("form", { class: "card stack", id: "invite-form", style: "margin-top:20px", onsubmit: (e) => {
      e.preventDefault();
      act(() => state.api.post("/members", { email: email.value.trim(), role: pick.value }), t("team.invited_one", { email: email.value.trim() }));
      email.value = "";
    } }, h("h3", { style: "margin:0" }, t("team.invite")),
      h("div", { class: "grid2" }, h("div", {}, h("label", { for: "invite-email" }, t("team.email")), email),
        h("div", {}, h("label", { for: "invite-role" }, t("team.role")), pick)),
      h("p", { class: "muted", style: "margin:0" }, t("team.roles_hint")),
      h("button", { class: "primary", type: "submit" }, t("team.send_invitation"))) : null);
  await load();
}
