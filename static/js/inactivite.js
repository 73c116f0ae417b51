// Idle timeout in the browser (manual Cafpro V5, "Session utilisateur"): at the limit,
// personal data leaves the screen at once and the manual's page is shown, without
// waiting for a click. The server ends the session on its side too.
//
// A warning comes before (RGAA 13.1, issue 15): a minute before the end (halfway through a
// shorter limit), written into an alert region that screen readers announce, with
// « Prolonger la session ». That button posts to the server, which counts the request as
// activity, and the countdown starts again from the delay the server answers. The countdown
// itself is aria-live="off": read when asked, never announced every second.
(function () {
  "use strict";
  var corps = document.body;
  var delai = parseInt(corps.getAttribute("data-delai-inactivite"), 10);
  var destination = corps.getAttribute("data-url-expiree");
  if (!delai || !destination) {
    return;
  }
  var seuil = parseInt(corps.getAttribute("data-avertissement-inactivite"), 10) || 0;
  var fin = Date.now() + delai * 1000;
  var affichage = document.getElementById("compte-a-rebours");
  var cadre = document.getElementById("avertissement-session");
  var alerte = document.getElementById("alerte-session");
  var statut = document.getElementById("statut-session");
  var formulaire = document.getElementById("prolonger-session");
  var averti = false;
  var expiree = false;
  // Where the agent was before going to the button, to give the focus back after it.
  var dernierFocus = null;

  // « 1 minute », « 20 secondes », « 1 minute 30 secondes » (as habilitations.views says it).
  function duree(total) {
    var minutes = Math.floor(total / 60);
    var secondes = total % 60;
    var parties = [];
    if (minutes) {
      parties.push(minutes + " minute" + (minutes > 1 ? "s" : ""));
    }
    if (secondes || !minutes) {
      parties.push(secondes + " seconde" + (secondes > 1 ? "s" : ""));
    }
    return parties.join(" ");
  }

  function avertir(reste) {
    averti = true;
    if (statut) {
      statut.textContent = "";
    }
    if (cadre) {
      cadre.classList.add("avertissement-session--visible");
    }
    if (formulaire) {
      formulaire.hidden = false;
    }
    if (alerte) {
      // An assertive live region from the start; an alert while the warning shows.
      alerte.setAttribute("role", "alert");
      alerte.textContent =
        "Sans action de votre part, votre session sera fermée dans " +
        duree(reste) +
        " et les données affichées seront effacées.";
    }
  }

  function retirerAvertissement() {
    averti = false;
    if (alerte) {
      alerte.textContent = "";
      alerte.removeAttribute("role");
    }
    if (formulaire) {
      formulaire.hidden = true;
    }
    if (cadre) {
      cadre.classList.remove("avertissement-session--visible");
    }
  }

  function expirer() {
    if (expiree) {
      return;
    }
    expiree = true;
    window.clearInterval(minuteur);
    retirerAvertissement();
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
      expirer();
    } else if (!averti && seuil > 0 && reste <= seuil) {
      avertir(reste);
    }
  }

  function rendreLeFocus() {
    var cible = dernierFocus;
    if (!cible || !document.body.contains(cible) || (cadre && cadre.contains(cible))) {
      cible = document.getElementById("menu-numero_allocataire") || document.getElementById("contenu");
    }
    if (cible) {
      cible.focus();
    }
  }

  document.addEventListener("focusin", function (evenement) {
    if (!cadre || !cadre.contains(evenement.target)) {
      dernierFocus = evenement.target;
    }
  });

  if (formulaire) {
    formulaire.addEventListener("submit", function (evenement) {
      evenement.preventDefault();
      // redirect "manual": a session the server has already ended answers with a redirect to
      // the manual's page, which must not be taken for a success.
      window
        .fetch(formulaire.action, {
          method: "POST",
          body: new FormData(formulaire),
          credentials: "same-origin",
          redirect: "manual",
          headers: { Accept: "application/json" },
        })
        .then(function (reponse) {
          if (reponse.type === "opaqueredirect" || reponse.status === 401 || reponse.status === 403) {
            expirer();
            return null;
          }
          if (!reponse.ok) {
            throw new Error("HTTP " + reponse.status);
          }
          return reponse.json();
        })
        .then(function (donnees) {
          if (!donnees || expiree) {
            return;
          }
          var nouveau = parseInt(donnees.delai, 10);
          fin = Date.now() + (nouveau > 0 ? nouveau : delai) * 1000;
          var aviez = cadre && cadre.contains(document.activeElement);
          retirerAvertissement();
          if (statut) {
            statut.textContent = "Session prolongée : " + duree(nouveau > 0 ? nouveau : delai) + " sans action.";
          }
          if (aviez) {
            rendreLeFocus();
          }
          tic();
        })
        .catch(function () {
          // The server did not answer: the countdown goes on, and says so.
          if (alerte && !expiree) {
            alerte.textContent =
              "La session n'a pas pu être prolongée : vérifiez la connexion et réessayez.";
          }
        });
    });
  }

  var minuteur = window.setInterval(tic, 1000);
  tic();
})();
