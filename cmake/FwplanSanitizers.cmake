# FWPLAN_SANITIZERS=address,undefined instruments everything built in this tree.
# UBSan is made fatal so a finding fails the test that triggered it.
if(FWPLAN_SANITIZERS)
    add_compile_options(-fsanitize=${FWPLAN_SANITIZERS} -fno-omit-frame-pointer -fno-sanitize-recover=all)
    add_link_options(-fsanitize=${FWPLAN_SANITIZERS})
endif()
