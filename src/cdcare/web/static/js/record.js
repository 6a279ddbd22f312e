// Home recording: camera preview, a timed MediaRecorder clip, upload, then polling the analysis.
// Settings and messages come from data-* attributes of #recorder (no inline script: the
// Content-Security-Policy allows scripts from /static only).
"use strict";
(function () {
  const root = document.getElementById("recorder");
  if (!root) { return; }
  const d = root.dataset;
  const SECONDS = Number(d.seconds);
  const uploadUrl = d.uploadUrl;
  const csrf = d.csrf;
  const msg = {
    noCamera: d.msgNoCamera, recording: d.msgRecording, uploading: d.msgUploading,
    analysing: d.msgAnalysing, failed: d.msgFailed
  };
  const $ = (id) => document.getElementById(id);
  function fail(text) { const e = $("rec-error"); e.textContent = text; e.hidden = false; $("rec-start").disabled = false; }
  function poll(statusUrl, pageUrl) {
    fetch(statusUrl, {headers: {"Accept": "application/json"}}).then((r) => r.json()).then((s) => {
      if (s.status === "done") {
        $("rec-state").textContent = "";
        const list = $("rec-plain"); list.textContent = "";
        for (const line of s.plain) { const li = document.createElement("li"); li.className = "statement"; li.textContent = line; list.appendChild(li); }
        $("rec-link").href = pageUrl; $("rec-result").hidden = false; $("rec-start").disabled = false;
      } else if (s.status === "failed") { fail(msg.failed + " " + s.error); }
      else { $("rec-state").textContent = msg.analysing + " " + Math.round(100 * s.progress) + "%"; setTimeout(() => poll(statusUrl, pageUrl), 1000); }
    }).catch(() => setTimeout(() => poll(statusUrl, pageUrl), 2000));
  }
  function upload(blob) {
    const form = new FormData();
    form.append("csrf_token", csrf);
    form.append("video", blob, "home-recording.webm");
    const ref = $("rec-reference");  // the neutral reference to compare with, if offered and chosen
    if (ref && ref.value) { form.append("baseline", "analysis"); form.append("reference_id", ref.value); }
    const xhr = new XMLHttpRequest();
    xhr.open("POST", uploadUrl);
    xhr.setRequestHeader("Accept", "application/json");
    const bar = $("upload-progress"); bar.hidden = false;
    xhr.upload.onprogress = (e) => { if (e.lengthComputable) bar.value = 100 * e.loaded / e.total; };
    xhr.onload = () => {
      bar.hidden = true;
      let body = {}; try { body = JSON.parse(xhr.responseText); } catch (err) { body = {}; }
      if (xhr.status === 202) { $("rec-state").textContent = msg.analysing; poll(body.status_url, body.url); }
      else { fail(body.message || xhr.statusText); }
    };
    xhr.onerror = () => fail(xhr.statusText || "network error");
    $("rec-state").textContent = msg.uploading;
    xhr.send(form);
  }
  $("rec-start").addEventListener("click", async () => {
    $("rec-error").hidden = true; $("rec-result").hidden = true; $("rec-start").disabled = true;
    let stream;
    try { stream = await navigator.mediaDevices.getUserMedia({video: {width: 640, height: 480}, audio: false}); }
    catch (err) { fail(msg.noCamera); return; }
    $("preview").srcObject = stream;
    const chunks = [];
    const recorder = new MediaRecorder(stream, {mimeType: MediaRecorder.isTypeSupported("video/webm") ? "video/webm" : ""});
    recorder.ondataavailable = (e) => { if (e.data.size > 0) chunks.push(e.data); };
    recorder.onstop = () => { stream.getTracks().forEach((t) => t.stop()); upload(new Blob(chunks, {type: "video/webm"})); };
    recorder.start(1000);
    $("rec-state").textContent = msg.recording;
    const bar = $("rec-progress"); bar.hidden = false; bar.value = 0;
    const started = Date.now();
    const tick = setInterval(() => {
      const elapsed = (Date.now() - started) / 1000; bar.value = Math.min(elapsed, SECONDS);
      if (elapsed >= SECONDS) { clearInterval(tick); bar.hidden = true; recorder.stop(); }
    }, 200);
  });
})();
