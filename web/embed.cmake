# Turns a file into C: cmake -DINPUT=page.css -DOUTPUT=page_css.c -DNAME=kt_page_css -P embed.cmake
# writes `const char NAME[]` holding the file's bytes and a final NUL. The searcher's built-in page
# lives in the program this way, so a CGI request reads no file to render it.
file(READ "${INPUT}" hex HEX)
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
string(REGEX REPLACE "(0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,)" "\\1\n" bytes "${bytes}")
get_filename_component(name "${INPUT}" NAME)
file(WRITE "${OUTPUT}" "/* Generated from ${name} by embed.cmake. */\nconst char ${NAME}[] = {\n${bytes}0x00};\n")
