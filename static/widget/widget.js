// Embeddable feedback and feature button: one <script type="module"> tag, no dependencies,
// styles isolated in a Shadow DOM. <script type="module" src=".../widget.js"
//   data-key="fr_pub_…" data-api="https://…/v1" [data-user-token="…"] [data-label="Feedback"]>
import { appOfKey, client, describe } from "../js/api.js";

const script = [...document.querySelectorAll("script[data-key]")]
  .find((s) => s.src && new URL(s.src, location.href).href === import.meta.url);

const CSS = `
:host { all: initial; }
* { box-sizing: border-box; font-family: -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; }
.launcher { position: fixed; right: 20px; bottom: 20px; z-index: 2147483000; background: #2f4fd1; color: #fff;
  border: 0; border-radius: 999px; padding: 12px 18px; font-size: 15px; font-weight: 600; cursor: pointer;
  box-shadow: 0 6px 20px rgba(16,24,40,.25); }
.panel { position: fixed; right: 20px; bottom: 76px; z-index: 2147483000; width: min(360px, calc(100vw - 40px));
  background: #fff; color: #1b1f2a; border: 1px solid #dfe3e8; border-radius: 12px; padding: 16px;
  box-shadow: 0 12px 32px rgba(16,24,40,.2); font-size: 14px; line-height: 1.45; }
.panel[hidden] { display: none; }
h2 { font-size: 16px; margin: 0 0 10px; }
.tabs { display: flex; gap: 6px; margin-bottom: 12px; }
.tabs button { flex: 1; background: #f0f2f5; color: #1b1f2a; border: 1px solid #dfe3e8; border-radius: 8px; padding: 8px; cursor: pointer; font-size: 14px; }
.tabs button[aria-selected="true"] { background: #e8edff; border-color: #2f4fd1; color: #23389c; font-weight: 600; }
label { display: block; font-weight: 600; margin: 8px 0 4px; }
input, textarea { width: 100%; font: inherit; border: 1px solid #b9c0cc; border-radius: 8px; padding: 8px; color: inherit; }
textarea { min-height: 90px; resize: vertical; }
.stars { display: flex; gap: 4px; border: 0; padding: 0; margin: 8px 0 0; }
.stars legend { font-weight: 600; margin-bottom: 4px; padding: 0; }
.stars input { position: absolute; opacity: 0; width: 1px; }
.stars label { margin: 0; font-size: 22px; color: #8a93a3; cursor: pointer; font-weight: 400; }
.stars input:checked + label, .stars label.on { color: #b7791f; }
.stars input:focus-visible + label { outline: 3px solid #8aa2ff; border-radius: 4px; }
.send { margin-top: 12px; width: 100%; background: #2f4fd1; color: #fff; border: 0; border-radius: 8px; padding: 10px; font-size: 15px; font-weight: 600; cursor: pointer; }
.send:disabled { opacity: .6; }
.close { position: absolute; right: 10px; top: 8px; background: none; border: 0; font-size: 20px; cursor: pointer; color: #525a6b; }
.msg { margin-top: 10px; padding: 8px 10px; border-radius: 8px; }
.msg.ok { background: #e8f6ee; color: #0b4d2a; }
.msg.err { background: #fdecea; color: #7a1710; }
:focus-visible { outline: 3px solid #8aa2ff; outline-offset: 2px; }
.news { max-height: min(420px, 60vh); overflow-y: auto; }
.news .entry + .entry { border-top: 1px solid #dfe3e8; margin-top: 10px; padding-top: 10px; }
.news h3 { font-size: 15px; margin: 0; overflow-wrap: anywhere; }
.news time, .muted { color: #525a6b; font-size: 12px; }
.news .rich { overflow-wrap: anywhere; } .news .rich img { max-width: 100%; height: auto; }
.news .rich pre { overflow-x: auto; white-space: pre-wrap; }
`;

function mount() {
  if (!script) return;
  const { key, api, userToken, label = "Feedback" } = script.dataset;
  const app = appOfKey(key);
  const server = client({ api, key, token: userToken || null });
  const host = document.createElement("div");
  host.setAttribute("data-featureboard-widget", "");
  const root = host.attachShadow({ mode: "open" });
  root.innerHTML = `<style>${CSS}</style>
<button class="launcher" type="button" aria-expanded="false" aria-controls="fb-panel"></button>
<section class="panel" id="fb-panel" role="dialog" aria-modal="false" aria-labelledby="fb-title" hidden>
  <button class="close" type="button" aria-label="Close">×</button>
  <h2 id="fb-title">Tell us what you think</h2>
  <div class="tabs" role="tablist">
    <button type="button" role="tab" aria-selected="true" data-mode="feedback">Feedback</button>
    <button type="button" role="tab" aria-selected="false" data-mode="feature">Suggest a feature</button>
    <button type="button" role="tab" aria-selected="false" data-mode="changelog">What's new</button>
  </div>
  <div class="news" data-for="changelog" hidden></div>
  <form novalidate>
    <div data-for="feedback">
      <label for="fb-message">Your feedback</label>
      <textarea id="fb-message" maxlength="5000"></textarea>
      <fieldset class="stars"><legend>Rating (optional)</legend></fieldset>
      <label for="fb-email">Email (optional, for a reply)</label>
      <input id="fb-email" type="email" autocomplete="email">
    </div>
    <div data-for="feature" hidden>
      <label for="fb-title-input">Title</label>
      <input id="fb-title-input" maxlength="120">
      <label for="fb-details">Details (optional)</label>
      <textarea id="fb-details" maxlength="5000"></textarea>
    </div>
    <button class="send" type="submit">Send</button>
    <div class="msg" role="status" hidden></div>
  </form>
</section>`;
  const $ = (selector) => root.querySelector(selector);
  const launcher = $(".launcher");
  const panel = $(".panel");
  const note = $(".msg");
  launcher.textContent = label;
  const stars = $(".stars");
  for (let n = 1; n <= 5; n += 1) {
    const input = Object.assign(document.createElement("input"), { type: "radio", name: "rating", value: n, id: `fb-star-${n}` });
    const text = Object.assign(document.createElement("label"), { htmlFor: input.id, textContent: "★" });
    text.setAttribute("aria-label", `${n} of 5`);
    stars.append(input, text);
  }
  let mode = "feedback";
  const toggle = (open) => {
    panel.hidden = !open;
    launcher.setAttribute("aria-expanded", String(open));
    if (open) (mode === "feedback" ? $("#fb-message") : $("#fb-title-input")).focus();
    else launcher.focus();
  };
  launcher.addEventListener("click", () => toggle(panel.hidden));
  $(".close").addEventListener("click", () => toggle(false));
  root.addEventListener("keydown", (e) => { if (e.key === "Escape") toggle(false); });
  root.querySelectorAll("[role=tab]").forEach((tab) => tab.addEventListener("click", () => {
    mode = tab.dataset.mode;
    root.querySelectorAll("[role=tab]").forEach((t) => t.setAttribute("aria-selected", String(t === tab)));
    root.querySelectorAll("[data-for]").forEach((part) => { part.hidden = part.dataset.for !== mode; });
    $("form").hidden = mode === "changelog";
    const news = $(".news");
    if (mode === "changelog") {  // loaded on first use: the button itself stays small
      import("./changelog.js").then(({ showChangelog }) => showChangelog(news, server, app))
        .catch((error) => { news.textContent = describe(error); });
    }
  }));
  const show = (text, kind) => { note.hidden = false; note.className = `msg ${kind}`; note.textContent = text; };
  $("form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const send = $(".send");
    send.disabled = true;
    try {
      if (mode === "feedback") {
        const rating = root.querySelector("input[name=rating]:checked");
        const body = { message: $("#fb-message").value, type: "widget", page: location.href.slice(0, 900) };
        if (rating) body.rating = Number(rating.value);
        if ($("#fb-email").value.trim()) body.email = $("#fb-email").value.trim();
        await server.post(`/apps/${app}/feedback`, body);
        $("#fb-message").value = "";
      } else {
        await server.post(`/apps/${app}/requests`, { title: $("#fb-title-input").value,
                                                     description: $("#fb-details").value });
        $("#fb-title-input").value = "";
        $("#fb-details").value = "";
      }
      show("Thank you! We got it.", "ok");
    } catch (error) {
      show(describe(error), "err");
    } finally {
      send.disabled = false;
    }
  });
  document.body.append(host);
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", mount);
else mount();
