// Path classes and AppLocker path variables of executables.
#include "baseline/executable.h"

#include <gtest/gtest.h>

namespace cmdsentry::baseline {
namespace {

TEST(PathClass, classes_of_common_locations) {
  EXPECT_EQ(path_class("C:\\Windows\\System32\\net.exe"), "system");
  EXPECT_EQ(path_class("c:/windows/syswow64/NET.EXE"), "system");
  EXPECT_EQ(path_class("C:\\Program Files (x86)\\7-Zip\\7z.exe"), "program-files");
  EXPECT_EQ(path_class("C:\\Users\\jmori\\AppData\\Local\\Temp\\x.exe"), "user-writable");
  EXPECT_EQ(path_class("C:\\Windows\\Temp\\GoogleUpdate.exe"), "user-writable");
  EXPECT_EQ(path_class("C:\\ProgramData\\x.exe"), "user-writable");
  EXPECT_EQ(path_class("\\\\fs01\\tools\\adfind.exe"), "network");
  EXPECT_EQ(path_class("D:\\Tools\\psexec.exe"), "other");
  EXPECT_EQ(path_class(""), "unknown");
}

TEST(AppLockerPath, uses_applocker_variables) {
  EXPECT_EQ(applocker_path("C:\\Windows\\System32\\NET.EXE"), "%SYSTEM32%\\net.exe");
  EXPECT_EQ(applocker_path("C:\\Windows\\SysWOW64\\net1.exe"), "%SYSTEM32%\\net1.exe");
  EXPECT_EQ(applocker_path("C:\\Windows\\System32\\wbem\\WMIC.exe"), "%SYSTEM32%\\wbem\\wmic.exe");
  EXPECT_EQ(applocker_path("C:\\Windows\\hh.exe"), "%WINDIR%\\hh.exe");
  EXPECT_EQ(applocker_path("C:\\Program Files\\Git\\bin\\git.exe"),
            "%PROGRAMFILES%\\git\\bin\\git.exe");
  EXPECT_EQ(applocker_path("C:\\Tools\\x.exe"), "%OSDRIVE%\\tools\\x.exe");
  EXPECT_EQ(applocker_path("D:\\Tools\\X.exe"), "d:\\tools\\x.exe");
  EXPECT_EQ(applocker_path("\\\\fs01\\tools\\x.exe"), "\\\\fs01\\tools\\x.exe");
}

}  // namespace
}  // namespace cmdsentry::baseline
