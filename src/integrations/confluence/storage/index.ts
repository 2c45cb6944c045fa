export { Markup, type Content, cdata, element, escapeXml, fragment, render, text } from './markup.js';
export { br, deploymentRef, em, h, inlineCode, jiraIssue, link, p, strong, table, ul } from './blocks.js';
export {
  attachedImage,
  code,
  expand,
  info,
  note,
  pageLink,
  panel,
  status,
  tip,
  warning,
  type PanelKind,
  type StatusColour,
} from './macros.js';
