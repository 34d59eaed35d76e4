// Msaidizi agent console. Message text is only ever set with textContent (never as HTML),
// so HTML or script sent by a citizen shows as text. The page's CSP forbids inline script too.
(function () {
  "use strict";

  var BASE = document.querySelector('meta[name="console-base"]').content;
  var QUEUE_EVERY = 3000;
  var MESSAGES_EVERY = 1500;
  var TIME = new Intl.DateTimeFormat("en-KE", {
    timeZone: "Africa/Nairobi", hour: "2-digit", minute: "2-digit", day: "2-digit", month: "short"
  });
  var QUEUES = ["general", "payment", "account", "application", "security"];

  var state = { csrf: null, csrfReady: null, me: null, ticket: null, lastSeq: 0, agents: [], canned: [],
                queueTimer: null, messageTimer: null, polling: false };

  function $(id) { return document.getElementById(id); }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }

  function clear(node) { while (node.firstChild) { node.removeChild(node.firstChild); } }

  function when(iso) { return iso ? TIME.format(new Date(iso)) : ""; }

  function newId() {
    var bytes = new Uint8Array(12);
    crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  function api(method, path, body) {
    var headers = { "Accept": "application/json" };
    if (body !== undefined) { headers["Content-Type"] = "application/json"; }
    if (method !== "GET" && state.csrf) { headers["X-CSRF-Token"] = state.csrf; }
    return fetch(BASE + "/api" + path, {
      method: method, headers: headers, credentials: "same-origin",
      body: body === undefined ? undefined : JSON.stringify(body)
    }).then(function (response) {
      if (response.status === 204) { return null; }
      return response.json().catch(function () { return {}; }).then(function (data) {
        if (response.ok) { return data; }
        if (response.status === 401 && path !== "/session") { signedOut(); }
        var error = new Error(data.detail || data.title || ("HTTP " + response.status));
        error.status = response.status;
        throw error;
      });
    });
  }

  // ------------------------------------------------------------------ sign-in
  function signedOut() {
    stopTimers();
    state.me = null;
    $("app").hidden = true;
    $("whoami").hidden = true;
    $("signin").hidden = false;
    state.csrfReady = fetchSignInToken();
  }

  function fetchSignInToken() {
    return api("GET", "/csrf").then(function (data) { state.csrf = data.csrf; });
  }

  function signIn(event) {
    event.preventDefault();
    $("signin-error").textContent = "";
    var body = { email: $("email").value, password: $("password").value };
    // On a slow line the form can be sent before its token has arrived: wait for it, and
    // fetch a fresh one once if the hour-long token has lapsed.
    (state.csrfReady || fetchSignInToken())
      .catch(fetchSignInToken)
      .then(function () { return api("POST", "/session", body); })
      .catch(function (error) {
        if (error.status !== 403) { throw error; }
        return fetchSignInToken().then(function () { return api("POST", "/session", body); });
      })
      .then(function (data) { state.csrfReady = null; $("password").value = ""; started(data); })
      .catch(function (error) { $("signin-error").textContent = error.message; });
  }

  function started(data) {
    state.csrf = data.csrf;
    state.me = data.agent;
    $("signin").hidden = true;
    $("whoami").hidden = false;
    $("agent-name").textContent = data.agent.name;
    $("agent-role").textContent = data.agent.role.replace("_", " ");
    $("accepting").checked = data.agent.accepting;
    // only agents and security officers are routed to; the switch means nothing to others
    $("accepting").parentNode.hidden = ["agent", "security_officer"].indexOf(data.agent.role) < 0;
    $("show-supervisor").hidden = data.agent.role !== "supervisor";
    $("show-canned").hidden = ["editor", "supervisor"].indexOf(data.agent.role) < 0;
    $("show-queue").hidden = data.agent.role === "editor";
    $("app").hidden = false;
    if (data.agent.role === "editor") {
      showPane("canned");
      return;
    }
    loadAgents();
    loadQueue();
    state.queueTimer = setInterval(loadQueue, QUEUE_EVERY);
  }

  function stopTimers() {
    clearInterval(state.queueTimer);
    clearInterval(state.messageTimer);
    state.queueTimer = state.messageTimer = null;
  }

  // ------------------------------------------------------------------ queue
  function loadQueue() {
    api("GET", "/queue").then(renderQueue).catch(function () {});
  }

  function renderQueue(data) {
    var list = $("queue-list");
    // the queue is redrawn every few seconds: keep keyboard focus on the same ticket
    var focused = document.activeElement && document.activeElement.dataset
      ? document.activeElement.dataset.number : null;
    clear(list);
    $("queue-counts").textContent = data.mine + " mine · " + data.pending + " waiting";
    announceNew(data);
    data.tickets.forEach(function (t) {
      var item = el("li");
      item.dataset.number = t.number;
      if (t.agent && state.me && t.agent.id === state.me.id) { item.classList.add("mine"); }
      // a real button: reachable with Tab, opened with Enter or Space
      var open = el("button", "ticket");
      open.type = "button";
      open.dataset.number = t.number;
      if (state.ticket && state.ticket.number === t.number) {
        item.classList.add("selected"); open.setAttribute("aria-current", "true");
      }
      var line1 = el("span", "line1");
      line1.appendChild(el("span", "number", t.number));
      line1.appendChild(el("span", "tag prio-" + t.priority, t.priority));
      open.appendChild(line1);
      var line2 = el("span", "line2", t.status + " · " + t.queue + " · " + t.language.toUpperCase() +
        " · " + t.waiting_minutes + " min" + (t.agent ? " · " + t.agent.name : ""));
      if (t.sla_breached) { line2.appendChild(el("span", "breached", " · SLA breached")); }
      open.appendChild(line2);
      open.appendChild(el("span", "preview", t.preview));
      open.addEventListener("click", function () { openTicket(t.number); });
      item.appendChild(open);
      list.appendChild(item);
      if (focused === t.number) { open.focus(); }
    });
  }

  // A new waiting ticket is announced: a count in the tab's title, and a browser notification
  // when the agent allowed them (they look away from the console while waiting).
  var baseTitle = document.title, knownWaiting = null;
  function announceNew(data) {
    var waiting = data.tickets.filter(function (t) { return t.status === "pending"; })
      .map(function (t) { return t.number; });
    document.title = (waiting.length ? "(" + waiting.length + ") " : "") + baseTitle;
    if (knownWaiting !== null) {
      var fresh = waiting.filter(function (n) { return knownWaiting.indexOf(n) < 0; });
      if (fresh.length) { chime(); }
      if (fresh.length && window.Notification && Notification.permission === "granted") {
        try { new Notification("New ticket " + fresh[0], {tag: "msaidizi-queue"}); } catch (e) {}
      }
    }
    knownWaiting = waiting;
  }

  // A short two-note chime, made in the page (no sound file): browsers allow it once the agent
  // has clicked in the console, which signing in does.
  var audio = null;
  function chime() {
    var Context = window.AudioContext || window.webkitAudioContext;
    if (!Context) { return; }
    try {
      audio = audio || new Context();
      [660, 880].forEach(function (hz, i) {
        var tone = audio.createOscillator(), level = audio.createGain();
        var at = audio.currentTime + i * 0.18;
        tone.frequency.value = hz;
        level.gain.setValueAtTime(0.15, at);
        level.gain.exponentialRampToValueAtTime(0.001, at + 0.16);
        tone.connect(level); level.connect(audio.destination);
        tone.start(at); tone.stop(at + 0.17);
      });
    } catch (e) {}
  }

  function loadAgents() {
    api("GET", "/agents").then(function (agents) { state.agents = agents; }).catch(function () {});
  }

  // ------------------------------------------------------------------ one ticket
  function openTicket(number) {
    showPane("queue");
    api("GET", "/tickets/" + encodeURIComponent(number)).then(function (t) {
      state.ticket = t;
      state.lastSeq = 0;
      clear($("messages"));
      renderTicket(t);
      addMessages(t.messages);
      loadCanned(t.language);
      clearInterval(state.messageTimer);
      state.messageTimer = setInterval(pollMessages, MESSAGES_EVERY);
      Array.prototype.forEach.call($("queue-list").children, function (li) {
        li.classList.toggle("selected", li.dataset.number === number);
        var open = li.querySelector("button.ticket");
        if (open) {
          if (li.dataset.number === number) { open.setAttribute("aria-current", "true"); }
          else { open.removeAttribute("aria-current"); }
        }
      });
    }).catch(function (error) { $("ticket-empty").textContent = error.message; });
  }

  function renderTicket(t) {
    $("ticket-empty").hidden = true;
    $("ticket").hidden = false;
    $("t-number").textContent = t.number;
    $("t-meta").textContent = t.queue + " queue · " + t.language.toUpperCase() + " · " +
      t.priority + " · " + t.reason.replace("_", " ") + " · via " + t.channel;
    $("t-sla").textContent = "SLA due " + when(t.sla_due_at);
    $("t-sla").className = t.sla_breached ? "breached" : "";
    $("t-summary").textContent = t.summary || "(none)";
    $("reveal-summary").hidden = !t.summary_has_pii;
    $("t-citizen-box").hidden = !t.citizen;
    if (t.citizen) {
      $("t-citizen").textContent = t.citizen.name + " · ID " + t.citizen.id_number + " · " + t.citizen.phone;
    }
    $("t-report-box").hidden = !t.security_report_reference;
    $("t-report").textContent = t.security_report_reference || "";
    $("t-resolution-box").hidden = !t.resolution_summary;
    $("t-resolution").textContent = t.resolution_summary || "";
    $("t-rating").textContent = t.rating ? " · rated " + t.rating + "/5" : "";
    renderState(t.status, t.agent, t.can);
  }

  function renderState(status, agent, can) {
    var t = state.ticket;
    t.status = status; t.agent = agent; t.can = can;
    $("t-status").textContent = status;
    $("t-agent").textContent = agent ? "with " + agent.name : "waiting for an agent";
    $("claim").hidden = !can.claim;
    $("transfer-box").hidden = !can.transfer;
    $("assign-box").hidden = !can.assign;
    $("send-reply").disabled = !can.reply;
    $("add-note").disabled = !can.note;
    $("composer").hidden = !(can.reply || can.note);
    $("resolve-form").hidden = !can.resolve;
    fillTargets();
  }

  // The citizen sees "<name> is typing…" while the agent writes; the server keeps it to one
  // announcement every few seconds, so this only saves requests.
  var typingSentAt = 0;
  function announceTyping() {
    var t = state.ticket;
    if (!t || t.status !== "open" || !t.can || !t.can.reply || !$("reply-text").value.trim()) { return; }
    if (Date.now() - typingSentAt < 4000) { return; }
    typingSentAt = Date.now();
    api("POST", "/tickets/" + encodeURIComponent(t.number) + "/typing").catch(function () {});
  }

  function fillTargets() {
    var t = state.ticket;
    var transfer = $("transfer-target"), assign = $("assign-target");
    clear(transfer); clear(assign);
    state.agents.forEach(function (a) {
      if (a.id === (t.agent && t.agent.id) || a.languages.indexOf(t.language) < 0) { return; }
      var label = a.name + " (" + a.open_tickets + "/" + a.max_open + (a.present ? ", online" : "") + ")";
      var option = el("option", null, label); option.value = "agent:" + a.id;
      transfer.appendChild(option);
      var copy = el("option", null, label); copy.value = String(a.id);
      assign.appendChild(copy);
    });
    QUEUES.forEach(function (q) {
      var option = el("option", null, "Queue: " + q); option.value = "queue:" + q;
      transfer.appendChild(option);
    });
  }

  function messageItem(m) {
    var item = el("li", m.kind);
    item.dataset.seq = String(m.seq);
    item.dataset.id = String(m.id);
    var label = m.kind === "note" ? m.author + " · internal note" : m.author;
    item.appendChild(el("span", "meta", label + " · " + when(m.sent_at)));
    var body = el("span", "text", m.text);
    item.appendChild(body);
    if (m.has_pii) {
      var button = el("button", "reveal", "Reveal");
      button.type = "button";
      button.addEventListener("click", function () { revealMessage(m.id, body, button); });
      item.appendChild(document.createTextNode(" "));
      item.appendChild(button);
    }
    return item;
  }

  // Insert in sequence order and only once, whatever order the answers arrive in.
  function addMessages(messages) {
    var list = $("messages");
    messages.forEach(function (m) {
      if (list.querySelector('li[data-seq="' + m.seq + '"]')) { return; }
      var item = messageItem(m), before = null;
      Array.prototype.some.call(list.children, function (li) {
        if (Number(li.dataset.seq) > m.seq) { before = li; return true; }
        return false;
      });
      list.insertBefore(item, before);
    });
    var pane = $("ticket-pane");
    pane.scrollTop = pane.scrollHeight;
  }

  function pollMessages() {
    var t = state.ticket;
    if (!t || state.polling) { return; }
    state.polling = true;
    api("GET", "/tickets/" + encodeURIComponent(t.number) + "/messages?after=" + state.lastSeq)
      .then(function (data) {
        if (!state.ticket || state.ticket.number !== t.number) { return; }
        addMessages(data.messages);
        data.messages.forEach(function (m) { state.lastSeq = Math.max(state.lastSeq, m.seq); });
        if (data.status !== t.status || JSON.stringify(data.can) !== JSON.stringify(t.can)) {
          renderState(data.status, data.agent, data.can);
        }
      })
      .catch(function (error) {
        if (error.status === 404 && state.ticket && state.ticket.number === t.number) {
          // transferred to a queue or language this agent does not handle
          clearInterval(state.messageTimer);
          state.ticket = null;
          $("ticket").hidden = true;
          $("ticket-empty").hidden = false;
          $("ticket-empty").textContent = t.number + " is no longer in your queues.";
        }
      })
      .then(function () { state.polling = false; });
  }

  function act(path, body) {
    var number = state.ticket.number;
    return api("POST", "/tickets/" + encodeURIComponent(number) + path, body)
      .then(function (t) { state.ticket = t; renderTicket(t); addMessages(t.messages); loadQueue(); loadAgents(); })
      .catch(function (error) { $("composer-error").textContent = error.message; });
  }

  function send(internal) {
    var text = $("reply-text").value;
    if (!text.trim()) { return; }
    $("composer-error").textContent = "";
    var number = state.ticket.number;
    api("POST", "/tickets/" + encodeURIComponent(number) + "/messages",
        { text: text, client_message_id: newId(), internal: internal })
      .then(function (data) {
        $("reply-text").value = "";
        addMessages(data.messages);
        renderState(data.status, data.agent, data.can);
        pollMessages();
      })
      .catch(function (error) { $("composer-error").textContent = error.message; });
  }

  function revealMessage(id, body, button) {
    api("POST", "/tickets/" + encodeURIComponent(state.ticket.number) + "/reveal",
        { target: "message", message_id: id })
      .then(function (data) { body.textContent = data.text; button.remove(); })
      .catch(function (error) { $("composer-error").textContent = error.message; });
  }

  function loadCanned(language) {
    api("GET", "/canned?language=" + encodeURIComponent(language)).then(function (items) {
      state.canned = items;
      var select = $("canned");
      clear(select);
      select.appendChild(el("option", null, "Canned reply (" + language.toUpperCase() + ")…"));
      items.forEach(function (c, index) {
        var option = el("option", null, c.title); option.value = String(index);
        select.appendChild(option);
      });
    }).catch(function () {});
  }

  // ------------------------------------------------------------------ supervisor
  function row(cells) {
    var tr = el("tr");
    cells.forEach(function (c) { tr.appendChild(el("td", null, c)); });
    return tr;
  }

  function fill(tableId, rows) {
    var body = $(tableId).querySelector("tbody");
    clear(body);
    rows.forEach(function (cells) { body.appendChild(row(cells)); });
  }

  function card(label, value) {
    var box = el("div", "card");
    box.appendChild(el("b", null, value === null || value === undefined ? "–" : value));
    box.appendChild(el("span", null, label));
    return box;
  }

  function loadSupervisor() {
    api("GET", "/supervisor").then(function (d) {
      $("sv-office").textContent = d.office_open ? "office open" : "office closed, opens " + when(d.next_open_at);
      var cards = $("sv-cards");
      clear(cards);
      cards.appendChild(card("active tickets", d.active.length));
      cards.appendChild(card("SLA breaches now", d.breached_active));
      cards.appendChild(card("breaches (30 days)", d.breached_recent));
      cards.appendChild(card("first reply (min)", d.avg_first_response_minutes));
      cards.appendChild(card("handling (min)", d.avg_handling_minutes));
      cards.appendChild(card("average rating", d.rating_average));
      fill("sv-queues", d.queues.map(function (q) {
        return [q.queue, q.language, q.pending, q.open, q.longest_wait_minutes]; }));
      fill("sv-active", d.active.map(function (t) {
        return [t.number, t.status, t.queue, t.language, t.priority, t.waiting_minutes,
                when(t.sla_due_at) + (t.sla_breached ? " (breached)" : ""), t.agent ? t.agent.name : ""]; }));
      var agentsBody = $("sv-agents").querySelector("tbody");
      clear(agentsBody);
      d.agents.forEach(function (a) {
        var tr = row([a.name, a.role, a.languages.join(" "), a.queues.join(" "),
                      a.open_tickets + " / " + a.max_open, a.present ? "yes" : "no",
                      a.accepting ? "yes" : "no"]);
        var cell = el("td");
        var unlock = el("button", null, "Lift sign-in locks");
        unlock.type = "button";
        unlock.setAttribute("aria-label", "Lift sign-in locks of " + a.name);
        unlock.addEventListener("click", function () {
          api("POST", "/agents/" + a.id + "/unlock").then(function () {
            unlock.textContent = "Locks lifted";
          }).catch(function () {});
        });
        cell.appendChild(unlock);
        tr.appendChild(cell);
        agentsBody.appendChild(tr);
      });
      $("sv-rating-summary").textContent = d.rating_count + " ratings";
      fill("sv-ratings", d.ratings.map(function (r) {
        return [r.number, r.rating + "/5", r.comment || "", r.agent || "", when(r.rated_at)]; }));
      $("sv-reveal-integrity").textContent = d.reveal_log_intact ? "log intact" :
        "LOG ALTERED at entry " + d.reveal_log_broken_at;
      fill("sv-reveals", d.reveals.map(function (r) {
        return [when(r.at), r.agent, r.ticket, r.target, r.message_seq || "", r.kinds]; }));
    }).catch(function () {});
  }

  function suspiciousRow(c) {
    var tr = row([when(c.received_at), c.source || "", c.payment_id || "", c.reason || ""]);
    var details = el("details");
    details.appendChild(el("summary", null, "raw body"));
    details.appendChild(el("pre", null, c.raw_body));
    var cell = el("td");
    cell.appendChild(details);
    tr.appendChild(cell);
    var action = el("td");
    var button = el("button", null, "Mark reviewed");
    button.type = "button";
    button.addEventListener("click", function () {
      api("POST", "/supervisor/payments/callbacks/" + c.id + "/reviewed").then(loadPayments)
        .catch(function () {});
    });
    action.appendChild(button);
    tr.appendChild(action);
    return tr;
  }

  function loadPayments() {
    api("GET", "/supervisor/payments").then(function (d) {
      $("sv-payments-summary").textContent = d.suspicious.length + " suspicious callbacks, " +
        d.awaiting.length + " payments awaiting M-Pesa" +
        (d.paid_twice.length ? ", paid twice (refund due): " + d.paid_twice.join(", ") : "");
      var body = $("sv-suspicious").querySelector("tbody");
      clear(body);
      d.suspicious.forEach(function (c) { body.appendChild(suspiciousRow(c)); });
      fill("sv-awaiting", d.awaiting.map(function (p) {
        return [p.id, p.account_reference || "", p.amount_kes, p.stage || "", when(p.created_at),
                p.check_attempts, when(p.next_check_at)]; }));
    }).catch(function () {});
  }

  function showPane(which) {
    var wide = which !== "queue";
    $("supervisor").hidden = which !== "supervisor";
    $("canned-pane").hidden = which !== "canned";
    $("queue-pane").hidden = wide;
    $("ticket-pane").hidden = wide;
    $("app").classList.toggle("supervising", wide);
    if (which === "supervisor") { loadSupervisor(); loadPayments(); }
    if (which === "canned") { loadCannedList(); }
  }

  function loadCannedList() {
    api("GET", "/canned").then(function (items) {
      fill("canned-list", items.map(function (c) {
        return [c.title, c.language, c.text, c.builtin ? "built-in" : "custom"]; }));
    }).catch(function () {});
  }

  // ------------------------------------------------------------------ wiring
  function wire() {
    $("signin-form").addEventListener("submit", signIn);
    $("sign-out").addEventListener("click", function () {
      api("DELETE", "/session").catch(function () {}).then(signedOut);
    });
    $("accepting").addEventListener("change", function () {
      api("PUT", "/me/availability", { accepting: $("accepting").checked }).then(loadQueue).catch(function () {});
    });
    $("show-queue").addEventListener("click", function () { showPane("queue"); });
    $("show-supervisor").addEventListener("click", function () { showPane("supervisor"); });
    $("show-canned").addEventListener("click", function () { showPane("canned"); });
    $("canned-form").addEventListener("submit", function (event) {
      event.preventDefault();
      $("canned-error").textContent = "";
      api("POST", "/canned", { title: $("canned-title").value, language: $("canned-language").value,
                               text: $("canned-text").value })
        .then(function () { $("canned-title").value = ""; $("canned-text").value = ""; loadCannedList(); })
        .catch(function (error) { $("canned-error").textContent = error.message; });
    });
    $("claim").addEventListener("click", function () { act("/claim"); });
    $("transfer").addEventListener("click", function () {
      var value = $("transfer-target").value;
      var body = value.indexOf("queue:") === 0 ? { queue: value.slice(6) } : { agent_id: Number(value.slice(6)) };
      act("/transfer", body);
    });
    $("assign").addEventListener("click", function () {
      act("/assign", { agent_id: Number($("assign-target").value) });
    });
    $("composer").addEventListener("submit", function (event) { event.preventDefault(); send(false); });
    $("add-note").addEventListener("click", function () { send(true); });
    $("reply-text").addEventListener("input", announceTyping);
    $("reply-text").addEventListener("keydown", function (event) {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) { event.preventDefault(); send(false); }
    });
    $("canned").addEventListener("change", function () {
      var chosen = state.canned[Number($("canned").value)];
      if (!chosen) { return; }
      $("reply-text").value = chosen.text.split("{agent}").join(state.me.display_name);
      $("canned").selectedIndex = 0;
    });
    $("resolve-form").addEventListener("submit", function (event) {
      event.preventDefault();
      var summary = $("resolve-summary").value;
      if (!summary.trim()) { $("composer-error").textContent = "Write a resolution summary first."; return; }
      act("/resolve", { summary: summary }).then(function () { $("resolve-summary").value = ""; });
    });
    $("reveal-summary").addEventListener("click", function () {
      api("POST", "/tickets/" + encodeURIComponent(state.ticket.number) + "/reveal", { target: "summary" })
        .then(function (data) { $("t-summary").textContent = data.text; $("reveal-summary").hidden = true; });
    });
    $("reveal-citizen").addEventListener("click", function () {
      api("POST", "/tickets/" + encodeURIComponent(state.ticket.number) + "/reveal", { target: "citizen" })
        .then(function (data) {
          var c = data.citizen;
          $("t-citizen").textContent = c.name + " · ID " + c.id_number + " · " + c.phone + (c.email ? " · " + c.email : "");
        });
    });
  }

  wire();
  api("GET", "/me").then(started).catch(function (error) {
    if (error.status !== 401) { signedOut(); }  // a 401 already showed the sign-in form
  });
})();
