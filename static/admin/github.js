// Triage's GitHub dialog: a request's linked issues with their state, and "Open GitHub issue".
// Shown only when the app has the GitHub integration; the API lets only the team see links.
import { ApiError, describe } from "../js/api.js";
import { h } from "../js/ui.js";
import { t } from "../js/i18n.js";

const REPO = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/;

/** What went wrong, in plain words: GitHub's refusals and silences are not the console's fault. */
export function githubProblem(error) {
  if (error instanceof ApiError && error.status === 409) {
    return t("github.refused", { message: error.message });
  }
  if (error instanceof ApiError && error.status === 502) {
    return t("github.silent");
  }
  return describe(error);
}

function linkItem(link) {
  return h("li", { class: "row gh-link" },
    h("a", { href: link.url, target: "_blank", rel: "noopener noreferrer" }, `${link.repo}#${link.number}`),
    h("span", { class: `badge ${link.state === "closed" ? "completed" : "planned"}` }, link.state === "closed" ? t("github.closed") : t("status.open")));
}

/** Opens the dialog for ``request``; ``api`` is the console's client, ``path`` the request's. */
export function githubDialog({ api, path, request, ok, canOpen }) {
  const box = h("dialog", { "aria-labelledby": "gh-dialog-title", id: "gh-dialog" });
  const close = () => { box.close(); box.remove(); };
  const list = h("ul", { class: "list", id: "gh-links" });
  const problem = h("p", { class: "alert", role: "alert", id: "gh-problem", hidden: true });
  const repo = h("input", { id: "gh-repo", required: true, placeholder: "owner/name", autocomplete: "off",
                            value: localStorage.getItem("fb-gh-repo") || "" });
  const opened = h("button", { class: "primary", type: "submit", id: "gh-open" }, t("github.open_issue"));
  const show = (links) => list.replaceChildren(...(links.length ? links.map(linkItem)
    : [h("li", { class: "muted", id: "gh-none" }, t("github.none"))]));
  api.get(`${path}/links`).then((page) => show(page.items)).catch((error) => {
    problem.textContent = githubProblem(error);
    problem.hidden = false;
  });
  box.append(h("form", { class: "stack", onsubmit: async (e) => {
    e.preventDefault();
    problem.hidden = true;
    const name = repo.value.trim();
    if (!REPO.test(name)) {
      problem.textContent = t("github.repo_format");
      problem.hidden = false;
      return;
    }
    opened.disabled = true;
    try {
      const link = await api.post(`${path}/links`, { provider: "github", repo: name });
      localStorage.setItem("fb-gh-repo", name);
      show((await api.get(`${path}/links`)).items);
      ok(t("github.opened", { issue: `${link.repo}#${link.number}` }));
    } catch (error) {
      problem.textContent = githubProblem(error);
      problem.hidden = false;
    } finally {
      opened.disabled = false;
    }
  } }, h("h2", { id: "gh-dialog-title", style: "margin:0;font-size:1.1rem" }, t("github.title", { title: request.title })),
    h("h3", { style: "margin:0;font-size:1rem" }, t("github.linked")), list,
    canOpen && h("div", {}, h("label", { for: "gh-repo" }, t("github.repository")), repo), problem,
    h("div", { class: "row" }, canOpen && opened, h("button", { type: "button", onclick: close }, t("widget.close")))));
  box.addEventListener("cancel", close);
  document.body.append(box);
  box.showModal();
  (canOpen ? repo : box.querySelector("button")).focus();
}
