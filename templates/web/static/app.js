// 单位决算公开说明生成服务: uploads (drag & drop or picker), generation and batch progress. No framework.
(function () {
  "use strict";
  var csrf = (document.querySelector('meta[name="csrf-token"]') || {}).content || "";

  function api(method, url, body) {
    var headers = { "X-CSRF-Token": csrf, "Accept": "application/json" };
    var sent = fetch(url, { method: method, body: body, headers: headers, credentials: "same-origin" }).catch(function () {
      // the browser's own "Failed to fetch": the connection broke (server stopped, network, or a
      // file so large that the server closed the connection before reading it)
      throw new Error("未能连接服务器，操作未完成。请检查网络后重试；上传大文件时请确认文件不超过大小上限。");
    });
    return sent.then(function (r) {
      return r.text().then(function (text) {
        var data = {};
        try { data = text ? JSON.parse(text) : {}; } catch (e) { data = { detail: "服务器返回了无法识别的内容（" + r.status + "）" }; }
        if (r.status === 401) {  // the session ended (expired, 退出 elsewhere, password changed)
          data.detail = "登录已过期或已退出，操作未完成。请刷新页面，重新登录后再试。";
        }
        if (!r.ok) { var err = new Error(data.detail || ("请求失败（" + r.status + "）")); err.status = r.status; throw err; }
        return data;
      });
    });
  }

  // a table wider than the screen scrolls inside its card: let the keyboard reach it too
  function focusableScrolls() {
    document.querySelectorAll("table.grid").forEach(function (t) {
      if (t.scrollWidth > t.clientWidth + 1) t.tabIndex = 0;
      else t.removeAttribute("tabindex");
    });
  }
  focusableScrolls();
  window.addEventListener("resize", focusableScrolls);

  document.querySelectorAll("select[data-autosubmit]").forEach(function (sel) {
    sel.addEventListener("change", function () { sel.form.submit(); });
  });

  function say(el, text, kind) { if (!el) return; el.textContent = text; el.className = "upload-status" + (kind ? " " + kind : ""); }

  // A drop zone with its file input.  `start(files)` sends them and returns the upload's promise
  // (nothing when it refused the files before sending).  While an upload runs, the zone and its
  // input are disabled and say so; a file dropped meanwhile is not sent.  The promise resolving to
  // true keeps the zone disabled (the page is leaving); otherwise it works again, the upload's
  // outcome (or error) shown.
  function dropzone(form, start) {
    var input = form.querySelector("input[type=file]");
    var status = form.querySelector(".upload-status");
    var busy = "";  // what the running upload says; "" when none runs
    function setBusy(text) {
      busy = text;
      input.disabled = !!text;
      form.classList.toggle("busy", !!text);
      form.setAttribute("aria-busy", text ? "true" : "false");
      form.querySelectorAll("label[for]").forEach(function (l) {
        if (text) l.setAttribute("aria-disabled", "true"); else l.removeAttribute("aria-disabled");
      });
      if (text) { form.classList.remove("over"); say(status, text, "busy"); }
    }
    function take(files) {
      if (busy) { say(status, busy + "（完成前不能再上传，刚放入的文件未上传）", "busy refused"); return; }
      var sending = start(files, function (text) { setBusy(text); });
      if (!sending) return;
      sending.then(function (leaving) { if (!leaving) setBusy(""); }, function () { setBusy(""); });
    }
    ["dragenter", "dragover"].forEach(function (ev) {
      form.addEventListener(ev, function (e) { e.preventDefault(); if (!busy) form.classList.add("over"); });
    });
    ["dragleave", "drop"].forEach(function (ev) {
      // the drop is always taken here, busy or not: otherwise the browser would open the file
      form.addEventListener(ev, function (e) { e.preventDefault(); form.classList.remove("over"); });
    });
    form.addEventListener("drop", function (e) { if (e.dataTransfer.files.length) take(e.dataTransfer.files); });
    input.addEventListener("change", function () { var files = input.files; if (files.length) take(files); input.value = ""; });
  }

  // ---- the clerk: one workbook → findings page
  var clerk = document.getElementById("clerk-upload");
  if (clerk) {
    dropzone(clerk, function (files, uploading) {
      var status = clerk.querySelector(".upload-status");
      if (files.length > 1) { say(status, "一次只能上传一个工作簿", "error"); return; }
      var most = Number(clerk.dataset.maxBytes || 0);
      if (most && files[0].size > most) {
        say(status, "“" + files[0].name + "”有 " + (files[0].size / 1048576).toFixed(1) + " MB，超过上限 " +
          Math.round(most / 1048576) + " MB，未上传。请删去工作簿中多余的内容（如图片）后再上传。", "error");
        return;
      }
      if (files[0].size === 0) { say(status, "“" + files[0].name + "”是空文件，未上传。", "error"); return; }
      var body = new FormData();
      body.append("file", files[0]);
      body.append("generate", "false");
      uploading("正在上传并检查“" + files[0].name + "”……");
      return api("POST", "/api/submissions", body).then(function (data) {
        say(status, "检查完成，正在打开结果…", "ok");
        window.location.href = "/submissions/" + data.id;
        return true;  // stays disabled: the findings page opens
      }).catch(function (e) { say(status, e.message, "error"); });
    });
  }

  // ---- a submission: generate, wait, preview and download
  var box = document.getElementById("submission");
  if (box) {
    var id = box.dataset.id;
    var button = document.getElementById("generate");
    var status = document.getElementById("generate-status");
    var names = { docx: "Word（DOCX）", pdf: "PDF", html: "网页（HTML）", xlsx: "Excel（XLSX）" };
    var poll = function () {
      api("GET", "/api/submissions/" + id).then(function (d) {
        var badge = document.getElementById("status-badge");
        badge.textContent = d.status_text; badge.className = "badge s-" + d.status;
        if (d.status === "queued" || d.status === "running") {
          say(status, d.status_text + "…"); setTimeout(poll, 500); return;
        }
        if (button) { button.disabled = false; button.textContent = "重新生成"; }
        if (d.status === "generated") {
          say(status, "已生成，可以预览和下载。", "ok");
          var dl = document.getElementById("downloads"); dl.innerHTML = "";
          Object.keys(d.files).forEach(function (k) {
            if (k === "report") return;
            var a = document.createElement("a"); a.className = "button"; a.href = d.files[k]; a.dataset.kind = k;
            a.textContent = "下载 " + (names[k] || k.toUpperCase()); dl.appendChild(a);
          });
          var card = document.getElementById("preview-card"); card.hidden = false;
          document.getElementById("preview").src = "/submissions/" + id + "/preview?t=" + Date.now();
        } else {
          say(status, d.message || d.status_text, "error");
        }
      }).catch(function (e) { say(status, e.message, "error"); setTimeout(poll, 3000); });
    };
    if (button) {
      button.addEventListener("click", function () {
        button.disabled = true; say(status, "已提交生成…");
        var body = new FormData(), pick = document.getElementById("style");
        body.append("style", pick ? pick.value : "");
        api("POST", "/api/submissions/" + id + "/generate", body).then(poll).catch(function (e) {
          button.disabled = false; say(status, e.message, "error");
        });
      });
    }
    if (box.dataset.status === "queued" || box.dataset.status === "running") poll();
  }

  // ---- the bureau: many workbooks → progress → unit table
  var batch = document.getElementById("batch-upload");
  if (batch) {
    var progress = document.getElementById("batch-progress");
    var text = progress.querySelector(".progress-text");
    var fill = progress.querySelector(".fill");
    var tbody = progress.querySelector("tbody");
    var cell = function (tr, value, cls) { var td = document.createElement("td"); td.textContent = value; if (cls) td.className = cls; tr.appendChild(td); return td; };
    var watching = null;  // the batch shown: a later batch replaces an earlier one's progress
    var watch = function (bid) {
      if (bid !== watching) return;
      api("GET", "/api/batches/" + bid).then(function (d) {
        if (bid !== watching) return;
        fill.style.width = (d.total ? Math.round(100 * d.finished / d.total) : 100) + "%";
        text.textContent = "已完成 " + d.finished + " / " + d.total + "：生成 " + d.generated + " 个，未生成 " + d.failed + " 个" + (d.done ? "。全部完成。" : "，处理中…");
        tbody.innerHTML = "";
        d.items.forEach(function (it) {
          var tr = document.createElement("tr");
          var a = document.createElement("a"); a.href = "/submissions/" + it.id; a.textContent = it.filename;
          var td = document.createElement("td"); td.appendChild(a); tr.appendChild(td);
          cell(tr, it.unit || "—");
          var st = cell(tr, ""); var b = document.createElement("span"); b.className = "badge s-" + it.status; b.textContent = it.status_text; st.appendChild(b);
          if (it.message && it.status !== "generated") { st.title = it.message; }
          cell(tr, it.errors, "num"); cell(tr, it.warnings, "num");
          tbody.appendChild(tr);
        });
        if (!d.done) { setTimeout(function () { watch(bid); }, 1000); return; }
        var table = document.getElementById("units"), shown = table ? Number(table.dataset.year) : 0;
        var years = d.items.map(function (it) { return it.year; }).filter(function (y) { return y; });
        if (years.length && years.indexOf(shown) < 0) {
          // the workbooks are of another year than the one shown: show theirs
          var link = document.createElement("a"); link.href = "/bureau?year=" + Math.max.apply(null, years);
          link.textContent = "查看 " + Math.max.apply(null, years) + " 年度的单位列表"; link.id = "batch-year";
          text.appendChild(document.createTextNode(" ")); text.appendChild(link);
        } else {
          refreshUnits();
        }
      }).catch(function (e) { text.textContent = e.message; setTimeout(function () { watch(bid); }, 3000); });
    };
    dropzone(batch, function (files, uploading) {
      var status = batch.querySelector(".upload-status");
      var body = new FormData();
      for (var i = 0; i < files.length; i++) body.append("files", files[i]);
      var pick = document.getElementById("batch-style");
      if (pick) body.append("style", pick.value);
      uploading("正在上传 " + files.length + " 个文件……");
      return api("POST", "/api/batches", body).then(function (d) {
        say(status, "已收到 " + d.total + " 个工作簿，正在后台检查和生成。", "ok");
        progress.hidden = false; watching = d.id; watch(d.id);
      }).catch(function (e) { say(status, e.message, "error"); });
    });
  }

  function refreshUnits() {
    var table = document.getElementById("units");
    if (!table) return;
    api("GET", "/api/units?year=" + encodeURIComponent(table.dataset.year)).then(function (d) {
      var tb = table.querySelector("tbody"); tb.innerHTML = "";
      document.querySelectorAll("#tally .tile").forEach(function (tile) {
        var state = tile.dataset.state;
        var n = state === "合计" ? d.units.length : d.units.filter(function (u) { return u.state === state; }).length;
        tile.querySelector("b").textContent = n;
        if (n) tile.hidden = false;
      });
      d.units.forEach(function (u) {
        var tr = document.createElement("tr");
        var add = function (v, cls) { var td = document.createElement("td"); td.textContent = v; if (cls) td.className = cls; tr.appendChild(td); return td; };
        add(u.name);
        var st = add(""); var b = document.createElement("span"); b.className = "badge u-" + u.state; b.textContent = u.state; st.appendChild(b);
        add(u.versions, "num"); add(u.latest ? u.errors : "", "num"); add(u.latest ? u.warnings : "", "num"); add(u.last_upload);
        var links = add("");
        if (u.latest) { var a = document.createElement("a"); a.href = "/submissions/" + u.latest; a.textContent = "查看"; links.appendChild(a); links.appendChild(document.createTextNode(" · ")); }
        var h = document.createElement("a"); h.href = "/clerk?unit=" + u.id; h.textContent = "历次上传"; links.appendChild(h);
        tb.appendChild(tr);
      });
    }).catch(function () {});
  }
})();
