(function () {
  "use strict";
  var log = document.getElementById("log"), form = document.getElementById("form");
  var input = document.getElementById("text"), statusEl = document.getElementById("status");
  var langBtn = document.getElementById("lang"), endBtn = document.getElementById("end");
  // Who is chatting is proved by an HttpOnly cookie the server sets; the page keeps no id.
  try { localStorage.removeItem("msaidizi.sender"); } catch (e) {}
  var last = 0, locale = "en", pending = Promise.resolve(), socket = null, pollTimer = null, reconnects = 0;
  var LABELS = {en: {other: "Kiswahili", online: "eCitizen helpdesk", typing: "typing…", offline: "Reconnecting…",
                     end: "End session", ended: "Session ended. Nothing of it stays on this device."},
                sw: {other: "English", online: "Msaada wa eCitizen", typing: "anaandika…", offline: "Inaunganisha tena…",
                     end: "Maliza mazungumzo", ended: "Mazungumzo yamekwisha. Hakuna kinachobaki kwenye kifaa hiki."}};

  function setLocale(l) {
    locale = l === "sw" ? "sw" : "en";
    document.documentElement.lang = locale;
    langBtn.textContent = LABELS[locale].other;
    endBtn.textContent = LABELS[locale].end;
    statusEl.textContent = LABELS[locale].online;
  }
  function time(iso) {
    var d = iso ? new Date(iso) : new Date();
    return d.toLocaleTimeString([], {hour: "2-digit", minute: "2-digit"});
  }
  // Text is always inserted with textContent: message content never becomes markup.
  function inline(parent, text) {
    var re = /(\*\*[^*]+\*\*|https?:\/\/[^\s<>"')]+)/g, pos = 0, m;
    while ((m = re.exec(text))) {
      if (m.index > pos) parent.appendChild(document.createTextNode(text.slice(pos, m.index)));
      var token = m[0], el;
      if (token.slice(0, 2) === "**") { el = document.createElement("b"); el.textContent = token.slice(2, -2); }
      else { el = document.createElement("a"); el.href = token; el.textContent = token; el.target = "_blank"; el.rel = "noopener noreferrer"; }
      parent.appendChild(el);
      pos = re.lastIndex;
    }
    if (pos < text.length) parent.appendChild(document.createTextNode(text.slice(pos)));
  }
  function rich(parent, text) {
    var list = null;
    text.split("\n").forEach(function (line, i, all) {
      var bullet = /^\s*[-*]\s+(.*)$/.exec(line);
      if (bullet) {
        if (!list) { list = document.createElement("ul"); parent.appendChild(list); }
        var li = document.createElement("li"); inline(li, bullet[1]); list.appendChild(li); return;
      }
      list = null;
      inline(parent, line);
      if (i < all.length - 1) parent.appendChild(document.createTextNode("\n"));
    });
  }
  function bubble(direction, created) {
    var row = document.createElement("div"); row.className = "msg " + direction;
    var b = document.createElement("div"); b.className = "bubble"; row.appendChild(b);
    log.appendChild(row);
    return {row: row, bubble: b, stamp: function () {
      var t = document.createElement("div"); t.className = "time"; t.textContent = time(created); b.appendChild(t);
    }};
  }
  function render(m) {
    if (m.seq && m.seq <= last) return;
    if (m.seq) last = m.seq;
    if (m.direction === "in") {
      if (!m.text) return;
      var mine = bubble("in", m.created_at); mine.bubble.textContent = m.text; mine.stamp(); return;
    }
    var out = bubble("out", m.created_at);
    rich(out.bubble, m.text || "");
    if (m.kind === "link" && /^https?:\/\//.test(m.url || "")) {
      var a = document.createElement("a"); a.href = m.url; a.textContent = "\n" + (m.title || m.url);
      a.target = "_blank"; a.rel = "noopener noreferrer"; out.bubble.appendChild(a);
    }
    if (m.kind === "choices" && m.choices) {
      var box = document.createElement("div"); box.className = "choices";
      m.choices.forEach(function (c, i) {
        var btn = document.createElement("button"); btn.type = "button";
        var n = document.createElement("b"); n.textContent = (i + 1) + ".";
        btn.appendChild(n); btn.appendChild(document.createTextNode(c.title));
        btn.addEventListener("click", function () { send(c.title, c.payload); });
        box.appendChild(btn);
      });
      out.bubble.appendChild(box);
    }
    out.stamp();
    log.scrollTop = log.scrollHeight;
  }
  function typing(on) {
    var t = document.getElementById("typing");
    if (on && !t) {
      var row = document.createElement("div"); row.className = "msg out typing"; row.id = "typing";
      var b = document.createElement("div"); b.className = "bubble";
      b.appendChild(document.createElement("i")); b.appendChild(document.createElement("i")); b.appendChild(document.createElement("i"));
      row.appendChild(b); log.appendChild(row); log.scrollTop = log.scrollHeight;
      statusEl.textContent = LABELS[locale].typing;
    } else if (!on && t) { t.remove(); statusEl.textContent = LABELS[locale].online; }
  }
  function post(body, attempt) {
    return fetch("webchat/send", {method: "POST", credentials: "same-origin", headers: {"Content-Type": "application/json"}, body: JSON.stringify(body)})
      .then(function (r) { if (!r.ok && r.status >= 500) throw new Error("server"); return r.json(); })
      .catch(function (e) {
        // Weak connections: retry with the same client_id, which the server de-duplicates.
        if (attempt >= 5) throw e;
        statusEl.textContent = LABELS[locale].offline;
        return new Promise(function (res) { setTimeout(res, 1000 * Math.pow(2, attempt)); })
          .then(function () { return post(body, attempt + 1); });
      });
  }
  function send(text, choice) {
    if (!text && !choice) return;
    var id = "c" + Date.now().toString(36) + Math.random().toString(36).slice(2, 8);
    if (text) { var mine = bubble("in"); mine.bubble.textContent = text; mine.stamp(); log.scrollTop = log.scrollHeight; }
    Array.prototype.forEach.call(document.querySelectorAll(".choices button"), function (b) { b.disabled = true; });
    pending = pending.then(function () {
      typing(true);
      return post({text: text || "", choice: choice || null, client_id: id, after: last, locale: navigator.language || null}, 0)
        .then(function (data) {
          typing(false);
          if (data.locale) setLocale(data.locale);
          (data.messages || []).forEach(function (m) { if (m.direction === "out") render(m); else if (m.seq > last) last = m.seq; });
        })
        .catch(function () { typing(false); var n = document.createElement("p"); n.className = "notice"; n.textContent = "⚠ " + LABELS[locale].offline; log.appendChild(n); });
    });
  }
  function poll() {
    clearTimeout(pollTimer);
    fetch("webchat/messages?after=" + last, {credentials: "same-origin"})
      .then(function (r) { return r.json(); })
      .then(function (d) { (d.messages || []).forEach(render); })
      .catch(function () {})
      .then(function () { pollTimer = setTimeout(poll, 3000 + Math.random() * 2000); });
  }
  function connect() {
    var url = location.href.replace(/^http/, "ws").replace(/[#?].*$/, "").replace(/\/?$/, "/") +
      "webchat/ws?after=" + last;
    try { socket = new WebSocket(url); } catch (e) { poll(); return; }
    socket.onopen = function () { reconnects = 0; clearTimeout(pollTimer); };
    socket.onmessage = function (ev) { try { render(JSON.parse(ev.data)); } catch (e) {} };
    socket.onclose = function () {
      poll();  // meanwhile nothing is missed
      // Exponential back-off with full jitter (capped at a minute): after a server restart the
      // open pages come back spread out instead of all at once, and never give up.
      var delay = 500 + Math.random() * Math.min(60000, 1000 * Math.pow(2, reconnects));
      reconnects += 1;
      setTimeout(connect, delay);
    };
  }
  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    var text = input.value.trim(); input.value = "";
    if (text) send(text, null);
  });
  langBtn.addEventListener("click", function () {
    var target = locale === "en" ? "sw" : "en";
    send(LABELS[target === "sw" ? "en" : "sw"].other, "change_language:" + target);
  });
  function endSession() {
    endBtn.disabled = true;
    if (socket) { socket.onclose = null; socket.close(); }
    clearTimeout(pollTimer);
    fetch("webchat/end", {method: "POST", credentials: "same-origin"})
      .catch(function () {})
      .then(function () {
        // Nothing of the conversation stays on a shared device: screen, storage, cookie.
        while (log.firstChild) log.removeChild(log.firstChild);
        try { localStorage.clear(); sessionStorage.clear(); } catch (e) {}
        var n = document.createElement("p"); n.className = "notice"; n.textContent = LABELS[locale].ended;
        log.appendChild(n);
        setTimeout(function () { location.reload(); }, 1500);
      });
  }
  endBtn.addEventListener("click", endSession);
  setLocale((navigator.language || "en").slice(0, 2) === "sw" ? "sw" : "en");
  fetch("webchat/session", {method: "POST", credentials: "same-origin"})
    .then(function () { return fetch("webchat/history", {credentials: "same-origin"}); })
    .then(function (r) { return r.json(); })
    .then(function (d) {
      var msgs = d.messages || [];
      if (d.locale) setLocale(d.locale);
      msgs.forEach(render);
      if (!msgs.length) send("", "greet");
    })
    .catch(function () { poll(); })
    .then(connect);
})();
