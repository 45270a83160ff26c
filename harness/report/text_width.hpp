// How wide a line of text is drawn, estimated without a browser: the HTML report lays out its
// SVG timeline (labels inside marks, lane labels, axis labels, event badges) so that no two
// texts overlap, and needs their widths for that.
#pragma once

#include <string_view>

namespace rollsim::report {

// The width of `text` at `size` (pixels or SVG user units) in DejaVu Sans, regular or bold:
// the widest of the sans-serif faces the report asks for (system-ui, Segoe UI, DejaVu Sans,
// Arial), and the one Debian's Chromium falls back to. Characters outside ASCII count one em.
double text_width(std::string_view text, double size, bool bold);

}  // namespace rollsim::report
