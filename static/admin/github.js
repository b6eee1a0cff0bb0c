// Triage's GitHub dialog: a request's linked issues with their state, and "Open GitHub issue".
// Shown only when the app has the GitHub integration; the API lets only the team see links.
import { ApiError, describe } from "../js/api.js";
import { h } from "../js/ui.js";

const REPO = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/;

/** What went wrong, in plain words: GitHub's refusals and silences are not the console's fault. */
export function githubProblem(error) {
  if (error instanceof ApiError && error.status === 409) {
    return `GitHub did not open the issue: ${error.message}. Check the repository name and that the token may open issues there.`;
  }
  if (error instanceof ApiError && error.status === 502) {
    return "GitHub did not answer. Nothing was opened; try again in a minute.";
  }
  return describe(error);
}

function linkItem(link) {
  return h("li", { class: "row gh-link" },
    h("a", { href: link.url, target: "_blank", rel: "noopener noreferrer" }, `${link.repo}#${link.number}`),
    h("span", { class: `badge ${link.state === "closed" ? "completed" : "planned"}` }, link.state === "closed" ? "Closed" : "Open"));
}

/** Opens the dialog for ``request``; ``api`` is the console's client, ``path`` the request's. */
export function githubDialog({ api, path, request, ok, canOpen }) {
  const box = h("dialog", { "aria-labelledby": "gh-dialog-title", id: "gh-dialog" });
  const close = () => { box.close(); box.remove(); };
  const list = h("ul", { class: "list", id: "gh-links" });
  const problem = h("p", { class: "alert", role: "alert", id: "gh-problem", hidden: true });
  const repo = h("input", { id: "gh-repo", required: true, placeholder: "owner/name", autocomplete: "off",
                            value: localStorage.getItem("fb-gh-repo") || "" });
  const opened = h("button", { class: "primary", type: "submit", id: "gh-open" }, "Open GitHub issue");
  const show = (links) => list.replaceChildren(...(links.length ? links.map(linkItem)
    : [h("li", { class: "muted", id: "gh-none" }, "No linked issues yet.")]));
  api.get(`${path}/links`).then((page) => show(page.items)).catch((error) => {
    problem.textContent = githubProblem(error);
    problem.hidden = false;
  });
  box.append(h("form", { class: "stack", onsubmit: async (e) => {
    e.preventDefault();
    problem.hidden = true;
    const name = repo.value.trim();
    if (!REPO.test(name)) {
      problem.textContent = "Please write the repository as owner/name, for example acme/app.";
      problem.hidden = false;
      return;
    }
    opened.disabled = true;
    try {
      const link = await api.post(`${path}/links`, { provider: "github", repo: name });
      localStorage.setItem("fb-gh-repo", name);
      show((await api.get(`${path}/links`)).items);
      ok(`Opened ${link.repo}#${link.number}.`);
    } catch (error) {
      problem.textContent = githubProblem(error);
      problem.hidden = false;
    } finally {
      opened.disabled = false;
    }
  } }, h("h2", { id: "gh-dialog-title", style: "margin:0;font-size:1.1rem" }, `GitHub: “${request.title}”`),
    h("h3", { style: "margin:0;font-size:1rem" }, "Linked issues"), list,
    canOpen && h("div", {}, h("label", { for: "gh-repo" }, "Repository"), repo), problem,
    h("div", { class: "row" }, canOpen && opened, h("button", { type: "button", onclick: close }, "Close"))));
  box.addEventListener("cancel", close);
  document.body.append(box);
  box.showModal();
  (canOpen ? repo : box.querySelector("button")).focus();
}
