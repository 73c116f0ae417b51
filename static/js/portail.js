// The portal's menu and pages (manual Cafpro V5, Cinématique). The server checks all of it again.
(function () {
  "use strict";
  // A code postal disables the CMAF box, and the CMAF box disables the code postal.
  var codePostal = document.getElementById("menu-code_postal");
  var cmaf = document.getElementById("menu-cmaf");
  if (codePostal && cmaf) {
    var accorder = function () {
      cmaf.disabled = codePostal.value.trim() !== "";
      codePostal.disabled = cmaf.checked;
    };
    codePostal.addEventListener("input", accorder);
    cmaf.addEventListener("change", accorder);
    accorder();
  }
  // "Imprimer": the browser's print dialog, with the print stylesheet.
  document.querySelectorAll("[data-action='imprimer']").forEach(function (bouton) {
    bouton.addEventListener("click", function () {
      window.print();
    });
  });
})();
