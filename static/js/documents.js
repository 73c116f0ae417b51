// Documents émis: the "Imprimer" button prints the page (the button only shows when scripts run).
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll(".doc-imprimer").forEach(function (bouton) {
    bouton.hidden = false;
    bouton.addEventListener("click", function () {
      window.print();
    });
  });
});
