# Run by `cmake --install` (kyotei_install_configured in lib/CMakeLists.txt): configures
# KT_TEMPLATE into KT_OUTPUT with the paths of the installation under way. CMAKE_INSTALL_PREFIX
# is the prefix it installs to (cmake --install --prefix P, else the configured one); DESTDIR,
# where a package build stages the files, is not part of the paths the files name.
#
# A template may use:
#   @KYOTEI_VERSION@          the project version
#   @KYOTEI_PREFIX@           the installation prefix
#   @KYOTEI_BINDIR@ @KYOTEI_LIBDIR@ @KYOTEI_INCLUDEDIR@ @KYOTEI_DOCDIR@
#                             absolute directories
#   @KYOTEI_DATADIR@          the data directory (dictionaries, vocabularies, index/): PREFIX/share/kyotei
#   @KYOTEI_PC_LIBDIR@ @KYOTEI_PC_INCLUDEDIR@ @KYOTEI_PC_DATADIR@
#                             the same as ${prefix}/… when under the prefix, for a .pc file
#   @KYOTEI_PC_LIBS_PRIVATE@  what a static link needs besides the Requires.private packages
#   @KYOTEI_IPADIC_DIR@       the IPADIC dictionary MeCab loads (a system path, not under the prefix)
set(KYOTEI_PREFIX "${CMAKE_INSTALL_PREFIX}")
foreach(entry ${KT_DIRS})
  string(REGEX MATCH "^([A-Z]+)=(.*)$" _ "${entry}")
  set(name "${CMAKE_MATCH_1}")
  set(dir "${CMAKE_MATCH_2}")
  if(IS_ABSOLUTE "${dir}")
    set(KYOTEI_${name} "${dir}")
    set(KYOTEI_PC_${name} "${dir}")
  else()
    set(KYOTEI_${name} "${KYOTEI_PREFIX}/${dir}")
    set(KYOTEI_PC_${name} "\${prefix}/${dir}")
  endif()
endforeach()
configure_file("${KT_TEMPLATE}" "${KT_OUTPUT}" @ONLY)
