/* 党组织选择框 (orgs/widgets.py): type a name, pinyin initials (dfqw) or a code; choose a suggestion with the
   mouse, a finger or the keyboard (↑ ↓ Enter Esc). The hidden input gets the chosen code and fires `change`;
   the text box shows the name, the line below the place in the tree. Plain script, no dependencies. */
(function () {
  "use strict";
  if (window.orgPickerLoaded) { return; }
  window.orgPickerLoaded = true;

  var DELAY = 150;
  var seq = 0;

  function setup(root) {
    if (root.dataset.ready) { return; }
    root.dataset.ready = "1";
    var code = root.querySelector(".org-picker-code");
    var box = root.querySelector("input[role=combobox]");
    var list = root.querySelector("[role=listbox]");
    var trail = root.querySelector(".org-picker-trail");
    var items = [];
    var active = -1;
    var timer = null;
    var last = null;
    var picking = false;  // a finger or the mouse is on the list: leaving the box must not close it

    function close() {
      list.hidden = true;
      box.setAttribute("aria-expanded", "false");
      box.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function highlight(index) {
      var options = list.querySelectorAll("[role=option]");
      active = index;
      options.forEach(function (li, i) {
        var on = i === index;
        li.classList.toggle("active", on);
        li.setAttribute("aria-selected", on ? "true" : "false");
        if (on) {
          box.setAttribute("aria-activedescendant", li.id);
          li.scrollIntoView({ block: "nearest" });
        }
      });
    }

    function note(text) {
      var li = document.createElement("li");
      li.className = "list-group-item org-picker-note";
      li.setAttribute("role", "option");
      li.setAttribute("aria-disabled", "true");
      li.textContent = text;
      list.appendChild(li);
    }

    function show(data) {
      items = data.results || [];
      list.textContent = "";
      items.forEach(function (item, i) {
        var li = document.createElement("li");
        li.id = box.id + "-opt-" + i;
        li.className = "list-group-item list-group-item-action";
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        var name = document.createElement("span");
        name.className = "org-picker-name";
        name.textContent = item.name;
        li.appendChild(name);
        if (item.trail) {
          var path = document.createElement("span");
          path.className = "org-picker-path";
          path.textContent = item.trail;
          li.appendChild(path);
        }
        li.addEventListener("mousedown", function (event) { event.preventDefault(); });
        li.addEventListener("click", function () { choose(i); });
        list.appendChild(li);
      });
      if (!items.length) { note("没有找到。可以输入名称中的字、拼音首字母（如 dfqw）或组织编码"); }
      if (data.more) { note("只列出前" + items.length + "个，输入更多文字可缩小范围"); }
      list.hidden = false;
      box.setAttribute("aria-expanded", "true");
      active = -1;
    }

    function search() {
      var q = box.value.trim();
      if (q === last && !list.hidden) { return; }
      last = q;
      var mine = ++seq;
      var url = root.dataset.url + "?scope=" + encodeURIComponent(root.dataset.scope) + "&q=" + encodeURIComponent(q);
      fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (response) { return response.ok ? response.json() : { results: [] }; })
        .then(function (data) {
          // Only the answer to what the box holds now (an earlier, slower answer is dropped).
          if (mine === seq && document.activeElement === box && box.value.trim() === q) { show(data); }
        })
        .catch(function () { /* offline: the box still accepts an exact code or name */ });
    }

    function choose(i) {
      var item = items[i];
      if (!item) { return; }
      box.value = item.name;
      trail.textContent = item.trail ? item.trail + " › " + item.name : item.name;
      box.classList.remove("is-invalid");
      close();
      picking = false;
      last = null;
      if (code.value !== item.code) {
        code.value = item.code;
        code.dispatchEvent(new Event("change", { bubbles: true }));
      }
    }

    box.addEventListener("input", function () {
      if (code.value) {
        code.value = "";
        trail.textContent = "";
        code.dispatchEvent(new Event("change", { bubbles: true }));
      }
      clearTimeout(timer);
      timer = setTimeout(search, DELAY);
    });
    box.addEventListener("focus", function () {
      if (!code.value) { last = null; search(); }
    });
    box.addEventListener("blur", function () { setTimeout(function () { if (!picking) { close(); } }, 150); });
    list.addEventListener("pointerdown", function () { picking = true; });
    document.addEventListener("pointerdown", function (event) {
      if (!root.contains(event.target)) { picking = false; close(); }
    });
    box.addEventListener("keydown", function (event) {
      var open = !list.hidden;
      if (event.key === "ArrowDown") {
        event.preventDefault();
        if (!open) { last = null; search(); return; }
        highlight(Math.min(active + 1, items.length - 1));
      } else if (event.key === "ArrowUp") {
        if (open) { event.preventDefault(); highlight(Math.max(active - 1, 0)); }
      } else if (event.key === "Enter") {
        if (open && (active >= 0 || items.length === 1)) {
          event.preventDefault();
          choose(active >= 0 ? active : 0);
        } else if (open) {
          event.preventDefault();  // a list is open but nothing chosen: don't submit half-chosen
        }
      } else if (event.key === "Escape") {
        if (open) { event.preventDefault(); close(); }
      }
    });
  }

  function init(scope) {
    (scope || document).querySelectorAll("[data-org-picker]").forEach(setup);
  }

  init(document);
  document.addEventListener("htmx:load", function (event) { init(event.target); });
})();
