// Initialise every GOV.UK Frontend component on the page (error summary focus,
// notification banners, service navigation menu, radios and checkboxes).
import { initAll } from "../govuk/govuk-frontend.min.js";

initAll();
