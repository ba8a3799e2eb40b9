// Copy buttons on a runbook's code blocks: the commands are meant to be pasted into a terminal at 3 a.m.
window.portalRunbook = {
  addCopyButtons(root) {
    if (!root) return;
    for (const pre of root.querySelectorAll("pre")) {
      if (pre.querySelector("button.copy-code")) continue;
      const button = document.createElement("button");
      button.type = "button";
      button.className = "copy-code";
      button.textContent = "Copy";
      button.setAttribute("aria-label", "Copy this code");
      button.addEventListener("click", async () => {
        const code = pre.querySelector("code")?.innerText ?? pre.innerText;
        try {
          await navigator.clipboard.writeText(code.replace(/\n$/, ""));
          button.textContent = "Copied";
        } catch {
          button.textContent = "Select and copy";
        }
        setTimeout(() => (button.textContent = "Copy"), 2000);
      });
      pre.prepend(button);
    }
  },
};
