/* The 2x2 SVD explorer: change A with sliders, by dragging the images of e1 and e2, or with
   the arrow keys on them, and watch the unit circle go through V^T, S and U to the ellipse.
   Self-contained: no library, no network, no kernel. svd2x2 is exported on window.svdcourse
   so the test suite can compare it with numpy. */
(function () {
  "use strict";
  var NS = "http://www.w3.org/2000/svg";

  function rot(t) { var c = Math.cos(t), s = Math.sin(t); return [[c, -s], [s, c]]; }

  /* Closed-form SVD of [[a, b], [c, d]]: A = U diag(s1, s2) Vt with s1 >= s2 >= 0,
     U and Vt orthogonal. A = R(phi) diag(q + r, q - r) R(theta) with the half-sums below;
     s2 is computed as |det A| / s1, which keeps it accurate when it is small. */
  function svd2x2(a, b, c, d) {
    var e = (a + d) / 2, f = (a - d) / 2, g = (c + b) / 2, h = (c - b) / 2;
    var q = Math.hypot(e, h), r = Math.hypot(f, g);
    var s1 = q + r, det = a * d - b * c;
    var s2 = s1 > 0 ? Math.abs(det) / s1 : 0;
    var a1 = Math.atan2(g, f), a2 = Math.atan2(h, e);
    var U = rot((a2 + a1) / 2), Vt = rot((a2 - a1) / 2);
    if (det < 0) { U = [[U[0][0], -U[0][1]], [U[1][0], -U[1][1]]]; }
    return { U: U, s: [s1, s2], Vt: Vt };
  }

  function apply(M, p) { return [M[0][0] * p[0] + M[0][1] * p[1], M[1][0] * p[0] + M[1][1] * p[1]]; }
  function fmt(x) { var v = Math.abs(x) < 0.005 ? 0 : x; return (v < 0 ? "\u2212" : "") + Math.abs(v).toFixed(2); }

  function el(name, attrs, parent) {
    var node = document.createElementNS(NS, name);
    for (var key in attrs) { node.setAttribute(key, attrs[key]); }
    if (parent) { parent.appendChild(node); }
    return node;
  }

  function curve(points, scale) {
    return points.map(function (p, i) {
      return (i ? "L" : "M") + (p[0] * scale).toFixed(3) + " " + (-p[1] * scale).toFixed(3);
    }).join(" ") + " Z";
  }

  var CIRCLE = [];
  for (var i = 0; i < 96; i++) { CIRCLE.push([Math.cos(2 * Math.PI * i / 96), Math.sin(2 * Math.PI * i / 96)]); }
  var MARK = [Math.cos(0.6), Math.sin(0.6)];

  /* One drawing: a shape (points), arrows [tip, class, label], the marked point. */
  function Panel(svg, half) {
    this.svg = svg;
    svg.setAttribute("viewBox", (-half) + " " + (-half) + " " + (2 * half) + " " + (2 * half));
    el("line", { x1: -half, y1: 0, x2: half, y2: 0, "class": "svdx-axis" }, svg);
    el("line", { x1: 0, y1: -half, x2: 0, y2: half, "class": "svdx-axis" }, svg);
    this.ghost = el("path", { "class": "svdx-ghost" }, svg);
    this.shape = el("path", { "class": "svdx-shape" }, svg);
    this.arrows = el("g", {}, svg);
    this.mark = el("circle", { r: 0.07, "class": "svdx-mark" }, svg);
  }
  Panel.prototype.draw = function (points, arrows, mark, scale) {
    this.ghost.setAttribute("d", curve(CIRCLE, scale));
    this.shape.setAttribute("d", curve(points, scale));
    while (this.arrows.firstChild) { this.arrows.removeChild(this.arrows.firstChild); }
    var self = this;
    arrows.forEach(function (arrow) {
      var tip = arrow[0], x = tip[0] * scale, y = -tip[1] * scale, len = Math.hypot(x, y);
      el("line", { x1: 0, y1: 0, x2: x, y2: y, "class": "svdx-arrow " + arrow[1] }, self.arrows);
      if (len > 1e-9) {
        var ux = x / len, uy = y / len, w = Math.min(0.12, len / 3);
        el("path", { d: "M" + x + " " + y + " L" + (x - 2 * w * ux - w * uy) + " " + (y - 2 * w * uy + w * ux) +
          " L" + (x - 2 * w * ux + w * uy) + " " + (y - 2 * w * uy - w * ux) + " Z", "class": "svdx-head " + arrow[1] }, self.arrows);
      }
    });
    this.mark.setAttribute("cx", mark[0] * scale);
    this.mark.setAttribute("cy", -mark[1] * scale);
  };

  function Explorer(root) {
    var self = this;
    this.root = root;
    this.A = JSON.parse(root.getAttribute("data-matrix"));
    this.limit = Number(root.getAttribute("data-limit") || 2);
    this.inputs = Array.prototype.slice.call(root.querySelectorAll("input.svdx-entry"));
    this.outputs = Array.prototype.slice.call(root.querySelectorAll("output.svdx-entry-value"));
    this.numbers = root.querySelector(".svdx-numbers");
    this.status = root.querySelector(".svdx-status");
    var main = root.querySelector("svg.svdx-main");
    this.half = 3.2;
    this.scale = 1;
    this.dragging = false;
    this.main = new Panel(main, this.half);
    this.handles = [0, 1].map(function (j) { return self.makeHandle(main, j); });
    this.steps = Array.prototype.slice.call(root.querySelectorAll("svg.svdx-step")).map(function (svg) {
      return new Panel(svg, 1.25);
    });
    this.inputs.forEach(function (input, k) {
      input.addEventListener("input", function () { self.set(k, Number(input.value)); });
    });
    Array.prototype.slice.call(root.querySelectorAll("button.svdx-preset")).forEach(function (button) {
      button.addEventListener("click", function () {
        self.A = JSON.parse(button.getAttribute("data-matrix"));
        self.update(true);
      });
    });
    this.update(true);
  }

  Explorer.prototype.makeHandle = function (svg, j) {
    var self = this;
    var handle = el("g", { "class": "svdx-handle svdx-e" + (j + 1), tabindex: "0", role: "button",
      "aria-roledescription": "draggable point",
      "aria-label": "Ae" + (j + 1) + ": the image of e" + (j + 1) + ", column " + (j + 1) +
        " of A; arrow keys move it" }, svg);
    el("circle", { r: 0.32, "class": "svdx-hit" }, handle);
    el("circle", { r: 0.14, "class": "svdx-dot" }, handle);
    var text = el("text", { "class": "svdx-label", "font-size": "0.32" }, handle);
    text.textContent = "Ae" + (j + 1);
    function toMatrix(event) {
      var box = svg.getBoundingClientRect(), span = 2 * self.half;
      var x = (event.clientX - box.left) / box.width * span - self.half;
      var y = -((event.clientY - box.top) / box.height * span - self.half);
      self.moveColumn(j, x / self.scale, y / self.scale);
    }
    handle.addEventListener("pointerdown", function (event) {
      handle.setPointerCapture(event.pointerId);
      handle.classList.add("svdx-dragging");
      self.dragging = true;  /* the scale holds still while a point is dragged */
      event.preventDefault();
    });
    handle.addEventListener("pointermove", function (event) {
      if (handle.hasPointerCapture(event.pointerId)) { toMatrix(event); }
    });
    handle.addEventListener("pointerup", function (event) {
      handle.releasePointerCapture(event.pointerId);
      handle.classList.remove("svdx-dragging");
      self.dragging = false;
      self.update(false);
    });
    handle.addEventListener("keydown", function (event) {
      var step = event.shiftKey ? 0.01 : 0.05, dx = 0, dy = 0;
      if (event.key === "ArrowLeft") { dx = -step; } else if (event.key === "ArrowRight") { dx = step; }
      else if (event.key === "ArrowUp") { dy = step; } else if (event.key === "ArrowDown") { dy = -step; }
      else { return; }
      event.preventDefault();
      self.moveColumn(j, self.A[0][j] + dx, self.A[1][j] + dy);
    });
    return handle;
  };

  Explorer.prototype.clamp = function (x) {
    return Math.round(Math.max(-this.limit, Math.min(this.limit, x)) * 100) / 100;
  };
  Explorer.prototype.moveColumn = function (j, x, y) {
    this.A[0][j] = this.clamp(x);
    this.A[1][j] = this.clamp(y);
    this.update(true);
  };
  Explorer.prototype.set = function (k, value) {
    this.A[Math.floor(k / 2)][k % 2] = this.clamp(value);
    this.update(false);
  };

  Explorer.prototype.update = function (syncInputs) {
    var A = this.A, self = this;
    var f = svd2x2(A[0][0], A[0][1], A[1][0], A[1][1]);
    var U = f.U, s = f.s, Vt = f.Vt;
    var V = [[Vt[0][0], Vt[1][0]], [Vt[0][1], Vt[1][1]]];
    var v1 = [V[0][0], V[1][0]], v2 = [V[0][1], V[1][1]];
    var u1 = [U[0][0], U[1][0]], u2 = [U[0][1], U[1][1]];
    [A[0][0], A[0][1], A[1][0], A[1][1]].forEach(function (value, k) {
      if (syncInputs) { self.inputs[k].value = value; }
      self.outputs[k].textContent = fmt(value);
    });
    var image = CIRCLE.map(function (p) { return apply(A, p); });
    /* zoom out when the ellipse would leave the picture, except during a drag, so that the
       dragged point stays under the pointer */
    if (!this.dragging) { this.scale = Math.min(1, (this.half - 0.3) / Math.max(s[0], 1e-9)); }
    var main = this.scale;
    this.main.draw(image, [[[s[0] * u1[0], s[0] * u1[1]], "svdx-s1"], [[s[1] * u2[0], s[1] * u2[1]], "svdx-s2"],
      [[A[0][0], A[1][0]], "svdx-col1"], [[A[0][1], A[1][1]], "svdx-col2"]], apply(A, MARK), main);
    this.handles.forEach(function (handle, j) {
      handle.setAttribute("transform", "translate(" + (A[0][j] * main) + " " + (-A[1][j] * main) + ")");
    });
    /* the four steps share one scale, so lengths compare across them */
    var scale = 1 / Math.max(1, s[0]);
    var S = [[s[0], 0], [0, s[1]]];
    var afterVt = CIRCLE.map(function (p) { return apply(Vt, p); });
    var afterS = afterVt.map(function (p) { return apply(S, p); });
    var x = MARK, y1 = apply(Vt, x), y2 = apply(S, y1), y3 = apply(U, y2);
    this.steps[0].draw(CIRCLE, [[v1, "svdx-s1"], [v2, "svdx-s2"]], x, scale);
    this.steps[1].draw(afterVt, [[[1, 0], "svdx-s1"], [[0, 1], "svdx-s2"]], y1, scale);
    this.steps[2].draw(afterS, [[[s[0], 0], "svdx-s1"], [[0, s[1]], "svdx-s2"]], y2, scale);
    this.steps[3].draw(image, [[[s[0] * u1[0], s[0] * u1[1]], "svdx-s1"], [[s[1] * u2[0], s[1] * u2[1]], "svdx-s2"]], y3, scale);
    var det = A[0][0] * A[1][1] - A[0][1] * A[1][0];
    this.numbers.querySelector(".svdx-s").textContent = "s\u2081 = " + fmt(s[0]) + ", s\u2082 = " + fmt(s[1]);
    this.numbers.querySelector(".svdx-u").textContent = "u\u2081 = (" + fmt(u1[0]) + ", " + fmt(u1[1]) + "), u\u2082 = (" + fmt(u2[0]) + ", " + fmt(u2[1]) + ")";
    this.numbers.querySelector(".svdx-v").textContent = "v\u2081 = (" + fmt(v1[0]) + ", " + fmt(v1[1]) + "), v\u2082 = (" + fmt(v2[0]) + ", " + fmt(v2[1]) + ")";
    this.numbers.querySelector(".svdx-det").textContent = "det A = " + fmt(det) + " = " + (det < 0 ? "\u2212" : "") + "s\u2081 s\u2082" +
      (s[1] < 1e-9 ? " (rank " + (s[0] < 1e-9 ? 0 : 1) + ": the ellipse is flat)" : "");
    this.status.textContent = "A = [[" + fmt(A[0][0]) + ", " + fmt(A[0][1]) + "], [" + fmt(A[1][0]) + ", " + fmt(A[1][1]) +
      "]]: the unit circle becomes an ellipse with semi-axes " + fmt(s[0]) + " and " + fmt(s[1]) + ".";
    this.root.setAttribute("data-state", JSON.stringify({ A: A, U: U, s: s, Vt: Vt }));
  };

  window.svdcourse = window.svdcourse || {};
  window.svdcourse.svd2x2 = svd2x2;
  window.svdcourse.Explorer = Explorer;
  var roots = document.querySelectorAll(".svd-explorer:not([data-ready])");
  Array.prototype.forEach.call(roots, function (root) {
    root.setAttribute("data-ready", "true");
    new Explorer(root);
  });
})();
