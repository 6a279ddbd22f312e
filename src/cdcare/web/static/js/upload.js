// Video upload with a progress bar (the plain form still works without JavaScript).
// Loaded from /static (Content-Security-Policy: script-src 'self', no inline scripts).
"use strict";
(function () {
  const form = document.getElementById("video-upload");
  if (!form) { return; }
  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    const bar = document.getElementById("upload-progress");
    const xhr = new XMLHttpRequest();
    xhr.open("POST", form.action);
    xhr.setRequestHeader("Accept", "application/json");
    xhr.upload.onprogress = function (e) {
      if (e.lengthComputable) { bar.hidden = false; bar.value = 100 * e.loaded / e.total; }
    };
    xhr.onload = function () {
      if (xhr.status === 202) { window.location = JSON.parse(xhr.responseText).url; return; }
      let body = {};
      try { body = JSON.parse(xhr.responseText); } catch (err) { body = {}; }
      const box = document.getElementById("upload-error");
      box.textContent = body.message || xhr.statusText;
      box.hidden = false;
      bar.hidden = true;
    };
    xhr.send(new FormData(form));
  });
})();
