#pragma once
/// One Windows event XML element -> RawEvent, with pugixml. Accepts what wevtutil qe /f:xml,
/// /f:RenderedXml, Get-WinEvent .ToXml() and Event Viewer's "Save as XML" write:
///
///   <Event xmlns=...><System><Provider Name= Guid=/><EventID Qualifiers=>N</EventID>
///     <Version/><Level/><Task/><Opcode/><Keywords/><TimeCreated SystemTime=/>
///     <EventRecordID/><Execution ProcessID= ThreadID=/><Channel/><Computer/><Security UserID=/>
///   </System>
///   (<EventData><Data Name=..>text</Data>...</EventData> | <UserData><Wrapper><Field>text...)
///   [<RenderingInfo>...</RenderingInfo>]   ignored
///   </Event>

#include <string_view>

#include "core/error.h"
#include "core/raw_event.h"

namespace cmdsentry::sources {

/// Parses one <Event> element (text from its "<Event" to its "</Event>") into `out` (reset first).
[[nodiscard]] Result<void> read_xml_event(std::string_view xml, RawEvent& out);

}  // namespace cmdsentry::sources
