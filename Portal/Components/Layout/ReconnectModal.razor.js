// Drives the reconnect dialog from Blazor's reconnect-state events.
const dialog = document.getElementById("components-reconnect-modal");

function show(state, detail) {
  for (const el of dialog.querySelectorAll("[data-state]")) {
    el.hidden = !el.dataset.state.split(" ").includes(state);
  }
  const attempt = dialog.querySelector("[data-attempt]");
  if (attempt) {
    attempt.textContent = detail && detail.currentAttempt > 1 ? ` (attempt ${detail.currentAttempt})` : "";
  }
  if (!dialog.open) {
    dialog.showModal();
  }
}

dialog.addEventListener("components-reconnect-state-changed", (event) => {
  const { state } = event.detail;
  switch (state) {
    case "show":
    case "retrying":
      show("retrying", event.detail);
      break;
    case "failed":
      show("failed", event.detail);
      break;
    case "paused":
      show("paused", event.detail);
      break;
    case "rejected":
      // The server no longer knows this circuit (restart): a reload is the only way back.
      location.reload();
      break;
    default:
      dialog.close();
  }
});

document.getElementById("components-reconnect-button").addEventListener("click", async () => {
  show("retrying");
  try {
    const ok = await Blazor.reconnect();
    if (!ok) {
      const resumed = await Blazor.resumeCircuit();
      if (!resumed) {
        location.reload();
      }
    }
  } catch {
    show("failed");
  }
});

document.getElementById("components-reload-button").addEventListener("click", () => location.reload());
