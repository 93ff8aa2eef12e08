// Add the body classes GOV.UK Frontend's CSS expects before the page is
// painted: `js-enabled`, and `govuk-frontend-supported` only in browsers that
// run ES modules (GOV.UK Frontend's JavaScript is one). This file is a classic
// script loaded at the start of <body>, never inline, so that a content
// security policy can forbid inline scripts.
document.body.className +=
  " js-enabled" +
  ("noModule" in HTMLScriptElement.prototype ? " govuk-frontend-supported" : "");
