# afzc documentation, in reStructuredText.  Nothing is generated from it;
# it is read as it is, in the source tree or on a code-hosting site.

EXTRA_DIST += \
	Documentation/howto/afzc-ovn.rst \
	Documentation/intro/install/afzc.rst \
	Documentation/topics/afzc.rst \
	Documentation/topics/afzc-offload.rst \
	Documentation/topics/afzc-testing.rst
