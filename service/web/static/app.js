// rolefit pages: progressive enhancement only; every form and link works without this file.
(function () {
  "use strict";
  // Drag and drop a file onto the upload box: it fills the plain file input.
  var drop = document.getElementById("drop");
  var input = document.getElementById("file");
  if (drop && input) {
    ["dragenter", "dragover"].forEach(function (name) {
      drop.addEventListener(name, function (e) { e.preventDefault(); drop.classList.add("over"); });
    });
    ["dragleave", "drop"].forEach(function (name) {
      drop.addEventListener(name, function () { drop.classList.remove("over"); });
    });
    drop.addEventListener("drop", function (e) {
      e.preventDefault();
      if (e.dataTransfer && e.dataTransfer.files.length) {
        input.files = e.dataTransfer.files;
        var help = document.getElementById("file-help");
        if (help) { help.textContent = "Selected: " + e.dataTransfer.files[0].name; }
      }
    });
  }
  // Choosing a skill highlights its line in the resume text (the :target rule does it without JS;
  // this also keeps the highlight when the same line is chosen again and moves focus there).
  document.addEventListener("click", function (e) {
    var link = e.target.closest && e.target.closest("a.skill[data-line]");
    if (!link) { return; }
    var line = document.getElementById("L" + link.getAttribute("data-line"));
    if (!line) { return; }
    document.querySelectorAll(".lines li.highlight").forEach(function (el) {
      el.classList.remove("highlight");
    });
    line.classList.add("highlight");
    line.setAttribute("tabindex", "-1");
  });
  // Errors are announced and focused.
  var error = document.getElementById("error");
  if (error) { error.setAttribute("tabindex", "-1"); error.focus(); }
})();
