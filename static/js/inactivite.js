// Idle timeout in the browser (manual Cafpro V5, "Session utilisateur"): at the limit,
// personal data leaves the screen at once and the manual's page is shown, without
// waiting for a click. The server ends the session on its side too.
(function () {
  "use strict";
  var corps = document.body;
  var delai = parseInt(corps.getAttribute("data-delai-inactivite"), 10);
  var destination = corps.getAttribute("data-url-expiree");
  if (!delai || !destination) {
    return;
  }
  var fin = Date.now() + delai * 1000;
  var affichage = document.getElementById("compte-a-rebours");

  function expirer() {
    var contenu = document.getElementById("contenu");
    if (contenu) {
      contenu.replaceChildren();
    }
    document.title = "Session fermée — Cafpro";
    // A little after the server's own limit, so that it has closed the session too.
    window.setTimeout(function () {
      window.location.replace(destination);
    }, 1000);
  }

  function tic() {
    var reste = Math.max(0, Math.round((fin - Date.now()) / 1000));
    if (affichage) {
      var minutes = Math.floor(reste / 60);
      var secondes = reste % 60;
      affichage.textContent = minutes + " min " + (secondes < 10 ? "0" : "") + secondes + " s";
    }
    if (reste <= 0) {
      window.clearInterval(minuteur);
      expirer();
    }
  }

  var minuteur = window.setInterval(tic, 1000);
  tic();
})();
