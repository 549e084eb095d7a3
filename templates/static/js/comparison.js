// Polls a running comparison and updates its progress bar; opens the report when it
// succeeds, reloads when it fails. Words come translated from the job's data attributes
// (data-status-queued, data-status-running, data-percent with "{value}",
// data-progress-error with "{error}"); the
// English ones here are the fallback.
(function () {
  "use strict";
  const job = document.querySelector("[data-report-status-url]");
  if (!job) return;
  const statusUrl = job.dataset.reportStatusUrl;
  const bar = job.querySelector(".job-progress");
  const percent = job.querySelector(".job-percent");
  const label = job.querySelector(".job-status");

  async function poll() {
    try {
      const response = await fetch(statusUrl, { headers: { Accept: "application/json" } });
      if (!response.ok) throw new Error("HTTP " + response.status);
      const report = await response.json();
      bar.value = report.progress;
      percent.textContent = (job.dataset.percent || "{value}%").replace("{value}", report.progress);
      const words = job.dataset["status" + report.status.charAt(0).toUpperCase() + report.status.slice(1)];
      label.textContent = words || report.status.charAt(0).toUpperCase() + report.status.slice(1);
      if (report.status === "succeeded" && job.dataset.reportUrl) {
        // The report is what the user waited for: open it.
        window.location.assign(job.dataset.reportUrl);
        return;
      }
      if (report.status === "succeeded" || report.status === "failed") {
        window.location.reload();
        return;
      }
    } catch (error) {
      label.textContent = (
        job.dataset.progressError || "Could not read the progress ({error}); retrying"
      ).replace("{error}", error.message);
    }
    window.setTimeout(poll, 1000);
  }
  window.setTimeout(poll, 500);
})();
