(function () {
  "use strict";
  var log = document.getElementById("log"), form = document.getElementById("form");
  var input = document.getElementById("text"), statusEl = document.getElementById("status");
  var langBtn = document.getElementById("lang"), endBtn = document.getElementById("end");
  // Who is chatting is proved by an HttpOnly cookie the server sets; the page keeps no id.
  try { localStorage.removeItem("msaidizi.sender"); } catch (e) {}
  var last = 0, locale = "en", socket = null, pollTimer = null, reconnects = 0, loading = false;
  var pill = document.getElementById("newer");
  // The page's words come from the server's catalogs; language names are written in their own
  // language on purpose.
  var LABELS = JSON.parse(document.body.getAttribute("data-words") || "{}");
  var NAMES = {en: "English", sw: "Kiswahili"};
  Object.keys(LABELS).forEach(function (l) { LABELS[l].other = NAMES[l === "sw" ? "en" : "sw"]; });

  function setLocale(l) {
    locale = l === "sw" ? "sw" : "en";
    document.documentElement.lang = locale;
    var w = LABELS[locale];
    langBtn.textContent = w.other; langBtn.setAttribute("aria-label", w.language + ": " + w.other);
    endBtn.textContent = w.end;
    pill.textContent = w.newer + " ↓";
    statusEl.textContent = w.online;
    input.setAttribute("aria-label", w.message); input.placeholder = w.placeholder;
    document.getElementById("send").setAttribute("aria-label", w.send);
  }
  function time(iso) {
    var d = iso ? new Date(iso) : new Date();
    return d.toLocaleTimeString([], {hour: "2-digit", minute: "2-digit"});
  }
  // Text is always inserted with textContent: message content never becomes markup.
  function inline(parent, text) {
    // bold is **text** with no asterisk at its edges, so a masked ******78 stays as written
    var re = /((?<!\*)\*\*[^\s*][^*]*?(?<=[^\s*])\*\*(?!\*)|https?:\/\/[^\s<>"')]+)/g, pos = 0, m;
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
    if (m.seq) { last = m.seq; welcome = null; }  // a stored message: the welcome is not the latest
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
        // focus goes back to where the citizen writes, not lost with the disabled button
        btn.addEventListener("click", function () { send(c.title, c.payload); input.focus({preventScroll: true}); });
        box.appendChild(btn);
      });
      out.bubble.appendChild(box);
    }
    out.stamp();
    freezeOld();
    follow(out.row);
  }
  // Only the newest question's choices can be answered; older ones are shown disabled, also
  // after a reload (the server answers a stale tap politely, but a live-looking button misleads).
  function freezeOld() {
    var rows = log.querySelectorAll(".msg"), newest = rows[rows.length - 1];
    Array.prototype.forEach.call(log.querySelectorAll(".choices button"), function (b) {
      if (!newest || !newest.contains(b)) b.disabled = true;
    });
  }
  // Reading comfort: a long new answer is shown from its start, and a citizen who scrolled up
  // to read is not pulled down; a pill offers the new messages instead.
  var unseen = null, atBottom = true;
  function follow(row) {
    if (loading) return;
    if (!atBottom) {
      if (!unseen) unseen = row;
      pill.hidden = false;
      return;
    }
    var top = row.offsetTop - log.offsetTop - 8;
    if (row.offsetHeight > log.clientHeight * 0.8) log.scrollTop = top;
    else log.scrollTop = log.scrollHeight;
    atBottom = log.scrollHeight - log.scrollTop - log.clientHeight < 60;
  }
  function toBottom() { log.scrollTop = log.scrollHeight; atBottom = true; }
  log.addEventListener("scroll", function () {
    atBottom = log.scrollHeight - log.scrollTop - log.clientHeight < 60;
    if (atBottom) { pill.hidden = true; unseen = null; }
  });
  pill.addEventListener("click", function () {
    var target = unseen; pill.hidden = true; unseen = null;
    if (target) { log.scrollTop = target.offsetTop - log.offsetTop - 8; } else toBottom();
    atBottom = log.scrollHeight - log.scrollTop - log.clientHeight < 60;
  });
  function typing(on) {
    var t = document.getElementById("typing");
    if (on && !t) {
      var row = document.createElement("div"); row.className = "msg out typing"; row.id = "typing";
      var b = document.createElement("div"); b.className = "bubble";
      b.appendChild(document.createElement("i")); b.appendChild(document.createElement("i")); b.appendChild(document.createElement("i"));
      row.appendChild(b); log.appendChild(row); if (atBottom) log.scrollTop = log.scrollHeight;
      statusEl.textContent = LABELS[locale].typing;
    } else if (!on && t) { t.remove(); statusEl.textContent = LABELS[locale].online; }
  }
  // An agent writing: shown for a few seconds, renewed while they type, gone with their message.
  var agentTimer = null;
  function agentTyping(name) {
    if (sending || !name) return;  // the assistant is already answering this citizen
    typing(true);
    statusEl.textContent = LABELS[locale].agent_typing.split("{name}").join(name);  // no "$" patterns
    clearTimeout(agentTimer);
    agentTimer = setTimeout(function () { if (!sending) typing(false); }, 6000);
  }
  function live(data) {
    if (data.signal === "typing") { agentTyping(String(data.name || "")); return; }
    if (agentTimer && !sending) { clearTimeout(agentTimer); agentTimer = null; typing(false); }
    render(data);
  }
  // Messages not yet answered by the server, oldest first. They are kept in this tab's
  // storage until sent, so an outage or a reload loses nothing; End session clears it.
  var outbox = [], sending = false, failures = 0, retryTimer = null;
  function keep() {
    try { sessionStorage.setItem("msaidizi.unsent", JSON.stringify(outbox.map(function (m) { return m.body; }))); } catch (e) {}
  }
  function mark(item, unsent) {
    item.row.classList.toggle("unsent", unsent);
    var note = item.row.querySelector(".unsent-note");
    if (unsent && !note) {
      note = document.createElement("div"); note.className = "unsent-note"; note.setAttribute("role", "status");
      item.bubble.appendChild(note);
    }
    if (note) { if (unsent) note.textContent = LABELS[locale].unsent; else note.remove(); }
  }
  function pump() {
    if (sending || !outbox.length) return;
    sending = true; clearTimeout(retryTimer);
    var item = outbox[0];
    item.body.after = last;
    typing(true);
    // The same client_id on every attempt: the server answers a repeat without acting twice.
    fetch("webchat/send", {method: "POST", credentials: "same-origin", headers: {"Content-Type": "application/json", "Accept-Language": locale}, body: JSON.stringify(item.body)})
      .then(function (r) {
        if (!r.ok && r.status >= 500) {
          // 503 "conversation busy" says when to try again; other failures back off alone.
          var failed = new Error("server");
          failed.wait = 1000 * Math.min(30, parseInt(r.headers.get("Retry-After"), 10) || 0);
          throw failed;
        }
        return r.json();
      })
      .then(function (data) {
        outbox.shift(); keep(); failures = 0; sending = false;
        typing(false); if (item.row) mark(item, false);
        if (data.locale) setLocale(data.locale);
        (data.messages || []).forEach(function (m) { if (m.direction === "out") render(m); else if (m.seq > last) last = m.seq; });
        pump();
      })
      .catch(function (failed) {
        sending = false; typing(false); failures += 1;
        statusEl.textContent = LABELS[locale].offline;
        outbox.forEach(function (waiting) { if (waiting.row) mark(waiting, true); });
        // Back off with jitter, but never give up while the page is open.
        var backoff = (0.5 + Math.random() / 2) * Math.min(30000, 1000 * Math.pow(2, failures));
        retryTimer = setTimeout(pump, Math.max(backoff, (failed && failed.wait) || 0));
      });
  }
  window.addEventListener("online", function () { failures = 0; pump(); });
  function queue(body, text) {
    var item = {body: body, row: null, bubble: null};
    if (text) { var mine = bubble("in"); mine.bubble.textContent = text; mine.stamp(); item.row = mine.row; item.bubble = mine.bubble; toBottom(); freezeOld(); }
    outbox.push(item); keep();
    if (failures > 0 && item.row) mark(item, true);  // offline now: say so at once
    pump();
  }
  // The unstored welcome's options: a number typed before anything else picks one of them
  // (the server has no session yet that remembers them).
  var welcome = null;
  function welcomeChoice(text) {
    var m = /^\s*(\d{1,2})\s*$/.exec(text), shown = welcome && welcome[welcome.length - 1];
    var options = (shown && shown.choices) || [];
    return m && Number(m[1]) >= 1 && Number(m[1]) <= options.length ? options[Number(m[1]) - 1] : null;
  }
  function send(text, choice) {
    if (!text && !choice) return;
    var picked = choice ? null : welcomeChoice(text);
    welcome = null;
    if (picked) { text = picked.title; choice = picked.payload; }
    var id = "c" + Date.now().toString(36) + Math.random().toString(36).slice(2, 8);
    Array.prototype.forEach.call(document.querySelectorAll(".choices button"), function (b) { b.disabled = true; });
    queue({text: text || "", choice: choice || null, client_id: id, after: last, locale: navigator.language || null}, text);
  }
  function resume() {
    var kept = [];
    try { kept = JSON.parse(sessionStorage.getItem("msaidizi.unsent") || "[]"); } catch (e) {}
    kept.forEach(function (body) { if (body && body.client_id) queue(body, body.text); });
    if (kept.length) welcome = null;  // the answer to what was kept may offer its own options
    return kept.length;
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
    socket.onopen = function () { reconnects = 0; clearTimeout(pollTimer); failures = 0; pump(); };
    socket.onmessage = function (ev) { try { live(JSON.parse(ev.data)); } catch (e) {} };
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
    .then(function () { return fetch("webchat/history?locale=" + locale, {credentials: "same-origin"}); })
    .then(function (r) { return r.json(); })
    .then(function (d) {
      var msgs = d.messages || [];
      if (d.locale) setLocale(d.locale);
      // The chat opens with the welcome the server rendered: shown, never stored, no turn run.
      var greeting = d.greeting || [];
      loading = true; greeting.forEach(render); msgs.forEach(render); loading = false;
      freezeOld(); toBottom();
      if (!msgs.length && greeting.length) welcome = greeting;
      if (!resume() && !msgs.length && !welcome) send("", "greet");
    })
    .catch(function () { poll(); })
    .then(connect);
})();
